import { mayRead } from './payment-access';

describe('mayRead', () => {
  const ada = '6f1c2a4e-8a7d-4a8e-9d61-1f0a3b2c4d5e';
  const bob = '0b0b0b0b-8a7d-4a8e-9d61-1f0a3b2c4d5e';

  it('lets an admin read any payment, and a customer their own only', () => {
    expect(mayRead({ callerUserId: bob, callerIsAdmin: true }, ada)).toBe(true);
    expect(mayRead({ callerUserId: ada, callerIsAdmin: false }, ada)).toBe(true);
    expect(mayRead({ callerUserId: bob, callerIsAdmin: false }, ada)).toBe(false);
  });

  it('fails closed for a customer when the owner is unknown, even with an empty caller id', () => {
    expect(mayRead({ callerUserId: ada, callerIsAdmin: false }, undefined)).toBe(false);
    expect(mayRead({ callerUserId: '', callerIsAdmin: false }, undefined)).toBe(false);
    expect(mayRead({ callerUserId: '', callerIsAdmin: true }, undefined)).toBe(true);
  });
});
