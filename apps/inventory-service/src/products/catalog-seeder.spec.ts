import { Logger } from '@nestjs/common';
import type { ServiceConfig } from '../config';
import { CATALOG } from './catalog';
import { CatalogSeeder } from './catalog-seeder';
import type { ProductsRepository } from './products.repository';

function seederWith(seed: boolean, addMissing: jest.Mock) {
  const config = { SEED_CATALOG: seed } as ServiceConfig;
  return new CatalogSeeder({ addMissing } as unknown as ProductsRepository, config);
}

describe('CatalogSeeder, on a fake repository', () => {
  let log: jest.SpyInstance;
  beforeEach(() => {
    log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => log.mockRestore());

  it('adds the catalog once per process, however often readiness asks', async () => {
    const addMissing = jest.fn().mockResolvedValue(CATALOG.length);
    const seeder = seederWith(true, addMissing);

    await seeder.checkReady();
    await seeder.checkReady();
    expect(addMissing).toHaveBeenCalledTimes(1);
    expect(addMissing).toHaveBeenCalledWith(CATALOG);
    expect(log).toHaveBeenCalledWith(
      `catalog seeded: ${CATALOG.length} of ${CATALOG.length} products added`,
    );
  });

  it('is not ready while seeding fails, and tries again on the next check', async () => {
    const addMissing = jest
      .fn()
      .mockRejectedValueOnce(new Error('database down'))
      .mockResolvedValueOnce(0);
    const seeder = seederWith(true, addMissing);

    await expect(seeder.checkReady()).rejects.toThrow('database down');
    await expect(seeder.checkReady()).resolves.toBeUndefined();
    expect(addMissing).toHaveBeenCalledTimes(2);
  });

  it('never touches the database with SEED_CATALOG=false', async () => {
    const addMissing = jest.fn();
    await seederWith(false, addMissing).checkReady();
    expect(addMissing).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith('catalog not seeded: SEED_CATALOG=false');
  });
});
