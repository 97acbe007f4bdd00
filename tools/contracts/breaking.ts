/**
 * `npm run proto:breaking`: `buf breaking` (FILE rules, proto/buf.yaml) of the working
 * tree's proto/ against proto/ on the main branch of this git repository, for pull
 * requests. Override the baseline with PROTO_BREAKING_AGAINST, any buf input, e.g.
 * `.git#ref=origin/main,subdir=proto` in a CI checkout that has no local main branch
 * (fetch it first: `git fetch origin main`; shallow clones need enough history).
 * A deliberate break needs a new package version (ecommerce.order.v2) or, failing that,
 * a `BREAKING CHANGE:` footer in the commit.
 */
import { execFileSync } from 'node:child_process';
import { REPO_ROOT, bin } from './generate';

const against = process.env['PROTO_BREAKING_AGAINST'] || '.git#branch=main,subdir=proto';
try {
  execFileSync(bin('buf'), ['breaking', 'proto', '--against', against], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  console.log(`proto:breaking ok: no breaking change against ${against}`);
} catch {
  console.error(`proto:breaking failed against ${against} (see above)`);
  process.exitCode = 1;
}
