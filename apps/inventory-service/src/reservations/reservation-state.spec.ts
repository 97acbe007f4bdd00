import { nextStep, type ReservationCommand } from './reservation-state';

type Status = 'RESERVED' | 'COMMITTED' | 'RELEASED' | 'REJECTED' | undefined;

describe('nextStep: the reservation state machine', () => {
  const cases: Array<[ReservationCommand, Status, ReturnType<typeof nextStep>['kind'], string]> = [
    ['reserve', undefined, 'reserve', ''],
    ['reserve', 'RESERVED', 'answer', ''],
    ['reserve', 'COMMITTED', 'answer', ''],
    ['reserve', 'RELEASED', 'answer', ''],
    ['reserve', 'REJECTED', 'answer', ''],
    ['commit', 'RESERVED', 'transition', 'COMMITTED'],
    ['commit', 'COMMITTED', 'answer', ''],
    ['commit', undefined, 'refuse', ''],
    ['commit', 'RELEASED', 'refuse', ''],
    ['commit', 'REJECTED', 'refuse', ''],
    ['release', undefined, 'tombstone', ''],
    ['release', 'RESERVED', 'transition', 'RELEASED'],
    ['release', 'COMMITTED', 'transition', 'RELEASED'],
    ['release', 'RELEASED', 'answer', ''],
    ['release', 'REJECTED', 'answer', ''],
  ];

  it.each(cases)('%s on %s → %s %s', (command, status, kind, to) => {
    const step = nextStep(command, status);
    expect(step.kind).toBe(kind);
    if (step.kind === 'transition') expect(step.to).toBe(to);
  });

  it('moves the units of each transition between the right stock columns', () => {
    expect(nextStep('commit', 'RESERVED')).toMatchObject({
      move: { from: 'reserved', to: 'sold' },
    });
    expect(nextStep('release', 'RESERVED')).toMatchObject({
      move: { from: 'reserved', to: 'available' },
    });
    expect(nextStep('release', 'COMMITTED')).toMatchObject({
      move: { from: 'sold', to: 'available' },
    });
  });

  it('says why a commit is refused', () => {
    expect(nextStep('commit', 'RELEASED')).toEqual({
      kind: 'refuse',
      why: 'cannot commit a reservation that is RELEASED: only a RESERVED one can be',
    });
    expect(nextStep('commit', undefined)).toMatchObject({
      why: expect.stringContaining('missing'),
    });
  });
});
