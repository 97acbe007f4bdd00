const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { basename, join } = require('node:path');

/**
 * The webpack config every app shares: a Node bundle of the app and the workspace libs it
 * imports (node_modules stay external), with source maps, into `dist/apps/<app>/main.js`.
 * Each app's webpack.config.js is one line calling this with its own folder.
 */
module.exports = function nodeAppConfig(appDir) {
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
    ],
  };
};
