const Sequencer = require('@jest/test-sequencer').default;

/**
 * The flood tests run first, while the single in-band Jest process is still small: they measure how
 * the service bears 100,000-call floods, and late in a run a heap grown by earlier files made garbage
 * collection, not the service, the bottleneck. The rest keep Jest's own order (slowest first).
 */
const FIRST = ['test/integration/soap/auth-abuse.test.ts', 'test/integration/soap/mysuite-preauth.test.ts'];

class FloodsFirst extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const rank = (test) => {
      const index = FIRST.findIndex((suffix) => test.path.endsWith(suffix));
      return index < 0 ? FIRST.length : index;
    };
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = FloodsFirst;
