const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { basename, join } = require('node:path');
const { ProductionPackageJsonPlugin } = require('./production-package-json');

/**
 * The webpack config every app shares: a Node bundle of the app and the workspace libs it
 * imports (node_modules stay external), with source maps, into `dist/apps/<app>/main.js`,
 * and beside it the package.json and package-lock.json of exactly the packages the bundle
 * needs (see production-package-json.js). Each app's webpack.config.js calls this with its
 * own folder, and the packages it loads at run time without requiring them, if any.
 */
module.exports = function nodeAppConfig(appDir, { runtimeDependencies = [] } = {}) {
  return {
    output: { path: join(__dirname, '../../dist/apps', basename(appDir)), clean: true },
    devtool: 'source-map',
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        compiler: 'tsc',
        main: join(appDir, 'src/main.ts'),
        tsConfig: join(appDir, 'tsconfig.app.json'),
        optimization: false,
        outputHashing: 'none',
        generatePackageJson: false,
        sourceMap: true,
      }),
      new ProductionPackageJsonPlugin({ name: basename(appDir), runtimeDependencies }),
    ],
  };
};
