import { callerOf } from '../../../src/database/transaction-guard';

describe('callerOf: the guard names our own code, not the libraries in between', () => {
  const here = __filename;
  it('keeps frames of files that exist in this project, in order, and drops library and missing paths', () => {
    const stack = [
      'Error',
      `    at violation (${here.replace('unit/database/transaction-guard.spec.ts', '../src/database/transaction-guard.ts')}:50:10)`,
      '    at SelectQueryBuilder.loadRawResults (/work/main/src/query-builder/SelectQueryBuilder.ts:3909:43)',
      '    at Router.handle (/x/node_modules/express/lib/router.js:1:1)',
      `    at UserRepository.findOneBy [as findById] (${here}:14:47)`,
      `    at async AccountService.resetPassword (${here}:84:38)`,
    ].join('\n');
    expect(callerOf(stack)).toBe('UserRepository.findById ← AccountService.resetPassword');
  });

  it('says so when no frame of ours is on the stack', () => {
    expect(callerOf('Error\n    at Foo.bar (/nowhere/x.js:1:1)')).toBe('an unknown caller');
    expect(callerOf(undefined)).toBe('an unknown caller');
  });
});
