/**
 * Jest runs globalSetup/globalTeardown outside its module system, so `moduleNameMapper`
 * does not apply there: resolve the `@ecommerce/*` aliases from tsconfig.base.json instead.
 */
import { register } from 'tsconfig-paths';
import { join } from 'node:path';
import { compilerOptions } from '../../tsconfig.base.json';

register({ baseUrl: join(__dirname, '../..'), paths: compilerOptions.paths });
