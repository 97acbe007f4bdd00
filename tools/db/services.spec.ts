import {
  databaseUrl,
  databaseUrlVariable,
  defaultServerUrl,
  SERVICES,
  selectServices,
} from './services';

describe('service databases', () => {
  it('defaults to ecommerce_<service> on 127.0.0.1:5432', () => {
    expect(SERVICES.map((service) => databaseUrl(service, {}))).toEqual([
      'postgresql://postgres@127.0.0.1:5432/ecommerce_user',
      'postgresql://postgres@127.0.0.1:5432/ecommerce_inventory',
      'postgresql://postgres@127.0.0.1:5432/ecommerce_order',
      'postgresql://postgres@127.0.0.1:5432/ecommerce_payment',
      'postgresql://postgres@127.0.0.1:5432/ecommerce_notification',
    ]);
  });

  it('takes host and port from PGHOST and PGPORT', () => {
    expect(databaseUrl('order', { PGHOST: 'db.internal', PGPORT: '6543' })).toBe(
      'postgresql://postgres@db.internal:6543/ecommerce_order',
    );
    expect(defaultServerUrl({ PGHOST: '::1' })).toBe('postgresql://postgres@[::1]:5432/');
  });

  it('lets <SERVICE>_DATABASE_URL override everything', () => {
    const env = {
      PAYMENT_DATABASE_URL: 'postgresql://pay:secret@pg:5432/payments',
      PGHOST: 'ignored',
    };
    expect(databaseUrlVariable('payment')).toBe('PAYMENT_DATABASE_URL');
    expect(databaseUrl('payment', env)).toBe('postgresql://pay:secret@pg:5432/payments');
    expect(databaseUrl('user', env)).toBe('postgresql://postgres@ignored:5432/ecommerce_user');
  });

  it('selects every service by default and rejects unknown names', () => {
    expect(selectServices([])).toEqual([...SERVICES]);
    expect(selectServices(['order', 'user'])).toEqual(['order', 'user']);
    expect(() => selectServices(['orders'])).toThrow('unknown service orders');
  });
});
