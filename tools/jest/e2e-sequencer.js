// The e2e files in Jest's usual order, except that privacy.e2e-spec.ts runs last: it reads
// every log line the other files made the platform write.
const Sequencer = require('@jest/test-sequencer').default;

class E2eSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const last = (test) => test.path.endsWith('privacy.e2e-spec.ts');
    return [...sorted.filter((test) => !last(test)), ...sorted.filter(last)];
  }
}

module.exports = E2eSequencer;
