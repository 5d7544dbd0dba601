import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/clock.ts';
import { DeadlineQueue } from '../../src/sessions/deadline-queue.ts';

function setUp() {
  const clock = new ManualClock(1_000);
  const fired: string[] = [];
  const queue = new DeadlineQueue<string>(clock, (item) => fired.push(`${item}@${clock.now()}`), (err) => assert.fail(String(err)));
  return { clock, fired, queue };
}

test('items come due at their time, earliest first, whatever order they were added in', () => {
  const { clock, fired, queue } = setUp();
  queue.add('c', 1_300);
  queue.add('a', 1_100);
  queue.add('d', 1_300);
  queue.add('b', 1_200);
  clock.advance(150);
  assert.deepEqual(fired, ['a@1100']);
  clock.advance(1_000);
  assert.deepEqual(fired, ['a@1100', 'b@1200', 'c@1300', 'd@1300'], 'equal times keep the order they were added in');
  assert.equal(queue.size, 0);
});

test('the clock holds one timer for any number of deadlines, and none once they are gone', () => {
  const { clock, fired, queue } = setUp();
  const handles = Array.from({ length: 100 }, (_, i) => queue.add(`s${i}`, 2_000 + i));
  assert.equal(clock.pendingTimers, 1);
  for (const h of handles) h.cancel();
  assert.equal(clock.pendingTimers, 0, 'an empty queue holds no timer');
  clock.advance(10_000);
  assert.deepEqual(fired, []);
});

test('a cancelled deadline never comes due, wherever it stands; the others still do', () => {
  const { clock, fired, queue } = setUp();
  const first = queue.add('first', 1_100);
  queue.add('second', 1_200);
  const middle = queue.add('middle', 1_250);
  const last = queue.add('last', 1_400);
  queue.add('end', 1_300);
  first.cancel();
  middle.cancel();
  last.cancel();
  last.cancel(); // twice is harmless
  clock.advance(1_000);
  assert.deepEqual(fired, ['second@1200', 'end@1300']);
});

test('a deadline earlier than all others moves the timer forward', () => {
  const { clock, fired, queue } = setUp();
  queue.add('late', 5_000);
  queue.add('early', 1_010);
  clock.advance(10);
  assert.deepEqual(fired, ['early@1010']);
  assert.equal(clock.pendingTimers, 1, 'and the timer is set again for the next one');
});

test('what comes due may add deadlines, in the past or the future', () => {
  const clock = new ManualClock(0);
  const fired: string[] = [];
  const queue: DeadlineQueue<string> = new DeadlineQueue<string>(
    clock,
    (item) => {
      fired.push(`${item}@${clock.now()}`);
      if (item === 'a') {
        queue.add('overdue', 50);
        queue.add('later', 300);
      }
    },
    (err) => assert.fail(String(err)),
  );
  queue.add('a', 100);
  queue.add('b', 200);
  clock.advance(1_000);
  assert.deepEqual(fired, ['a@100', 'overdue@100', 'b@200', 'later@300']);
  assert.equal(clock.pendingTimers, 0);
});

test('a deadline further away than a timer can wait is waited for in steps, not at once', () => {
  const clock = new ManualClock(0);
  const delays: number[] = [];
  // A clock that records the delays it is asked for, like Node's timers it would be given.
  const recording = {
    now: () => clock.now(),
    setTimeout: (fn: () => void, ms: number) => {
      delays.push(ms);
      return clock.setTimeout(fn, ms);
    },
  };
  const fired: number[] = [];
  const queue = new DeadlineQueue<string>(recording, () => fired.push(clock.now()), (err) => assert.fail(String(err)));
  const thirtyDays = 30 * 24 * 3600 * 1000;
  queue.add('retained', thirtyDays);
  assert.ok(delays.every((d) => d <= 2 ** 31 - 1), `delays ${delays.join(', ')}`);
  clock.advance(thirtyDays - 1);
  assert.deepEqual(fired, []);
  clock.advance(1);
  assert.deepEqual(fired, [thirtyDays]);
  assert.equal(delays.length, 2, 'one step of ~24.8 days, then the rest');
});

test('an item whose handling throws is reported, and does not hold up the ones after it', () => {
  const clock = new ManualClock(0);
  const fired: string[] = [];
  const errors: unknown[] = [];
  const queue = new DeadlineQueue<string>(
    clock,
    (item) => {
      if (item === 'bad') throw new Error('boom');
      fired.push(item);
    },
    (err) => errors.push(err),
  );
  queue.add('bad', 10);
  queue.add('good', 20);
  queue.add('later', 30);
  clock.advance(25);
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /boom/);
  assert.deepEqual(fired, ['good']);
  clock.advance(10);
  assert.deepEqual(fired, ['good', 'later']);
});
