/**
 * @module cli/client/commands/connect-interactive
 * `connect` for a person at a terminal: chooses the flow, walks through the steps (questions,
 * cookies, QR and pairing codes) and ends by showing the connected account. Ctrl+C cancels the
 * login session on the server.
 */
import type { LoginFlow, LoginSession } from '../api-types.ts';
import { isFinished } from '../api-types.ts';
import type { ClientContext } from '../context.ts';
import { InterruptedError, isAbortError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { displayUser } from '../format.ts';
import { LineReader } from '../terminal/line-reader.ts';
import { Progress } from '../terminal/progress.ts';
import { Screen } from '../terminal/screen.ts';
import { createStyle } from '../terminal/style.ts';
import { createBody, watchCancellation, type ConnectOptions } from './connect-options.ts';
import { DisplayView } from './display-view.ts';
import { answerCookies, answerUserInput, type Prompter } from './prompts.ts';
import { cancelSession, SessionWaiter } from './session-ops.ts';

/** Exit code when a second Ctrl+C stops the command without waiting for the server. */
const FORCED_EXIT = 130;

export async function connectInteractive(ctx: ClientContext, options: ConnectOptions): Promise<number> {
  const { io, api, style } = ctx;
  const screen = new Screen(io.stdout, style);
  const progress = new Progress(io.stdout, style, io.clock);
  const cancellation = watchCancellation(io, options.timeoutSeconds, () => {
    progress.stop();
    io.stderr.write('\nStopped without waiting for the server; the login session may still be open.\n');
    io.exit(FORCED_EXIT);
  });
  const reader = new LineReader(io.stdin, io.stdout, cancellation.interrupt);
  const prompter: Prompter = { api, screen, reader, signal: cancellation.signal };
  const errors = createStyle(io.stderr, io.env);
  let session: LoginSession | undefined;
  let bridgeName = options.bridgeID;

  try {
    const [bridge, flows] = await Promise.all([api.getBridge(options.bridgeID), options.flowID ? undefined : api.listLoginFlows(options.bridgeID)]);
    bridgeName = bridge.displayName;
    const reconnect = options.loginID ?? options.accountID;
    screen.print(style.bold(reconnect ? `Reconnecting ${reconnect} on ${bridge.displayName}` : `Connecting an account on ${bridge.displayName}`));
    const flowID = options.flowID ?? (await chooseFlow(prompter, flows ?? []));

    session = await api.createLoginSession(options.bridgeID, createBody(options, flowID));
    screen.print(style.dim(`Login session ${session.loginSessionID}`));
    const display = new DisplayView(screen, io.clock, io.stdout.columns ?? 80);
    const waiter = new SessionWaiter(api, io.clock);
    while (!isFinished(session)) {
      cancellation.signal.throwIfAborted();
      const step = session.currentStep;
      if (step?.type === 'user_input') session = await answerUserInput(prompter, session, step);
      else if (step?.type === 'cookies') session = await answerCookies(prompter, session, step);
      else if (step?.type === 'display_and_wait') {
        await display.show(step);
        progress.start(display.waitingText(step));
        try {
          session = await waiter.next(session, cancellation.signal);
        } finally {
          progress.stop();
        }
      } else session = await api.getLoginSession(session.bridgeID, session.loginSessionID, cancellation.signal);
    }
    return showEnd(ctx, screen, session, bridgeName);
  } catch (err) {
    progress.stop();
    const reason = err instanceof InterruptedError ? err : isAbortError(err) ? cancellation.signal.reason : undefined;
    if (!(reason instanceof InterruptedError)) {
      // Something broke (the server went away, a bug): try not to leave the session open.
      if (session && !isFinished(session)) await cancelSession(api, session).catch(() => undefined);
      throw err;
    }
    if (reason.reason === 'end-of-input') io.stderr.write(errors.red('error: cancelled: the input ended before the login finished') + '\n');
    if (reason.reason === 'timeout') io.stderr.write(errors.red(`error: timed_out: the login did not finish within ${options.timeoutSeconds} s`) + '\n');
    if (!session || isFinished(session)) {
      screen.print('Cancelled.');
      return ExitCode.cancelled;
    }
    screen.print(style.dim('Cancelling the login…'));
    const final = await cancelSession(api, session);
    if (final.status !== 'cancelled') return showEnd(ctx, screen, final, bridgeName);
    screen.print(style.yellow(`Login cancelled: login session ${final.loginSessionID} was cancelled on the server.`));
    return ExitCode.cancelled;
  } finally {
    cancellation.dispose();
    reader.close();
  }
}

/** Lets the person pick a flow when the bridge has several; Enter takes the first (the default). */
async function chooseFlow(p: Prompter, flows: LoginFlow[]): Promise<string | undefined> {
  if (flows.length <= 1) return flows[0]?.id;
  const { screen } = p;
  const { style } = screen;
  screen.print('', 'How do you want to log in?');
  flows.forEach((flow, i) => screen.print(`  ${i + 1}) ${flow.name ?? flow.id}${flow.description ? style.dim(` — ${flow.description}`) : ''}`));
  for (;;) {
    const answer = await p.reader.readLine(`${style.bold('Choose')} ${style.dim(`(1-${flows.length}, Enter for 1)`)}: `, { signal: p.signal });
    if (answer === undefined) throw new InterruptedError('end-of-input');
    const text = answer.trim();
    const chosen = text === '' ? flows[0] : /^\d+$/.test(text) ? flows[Number(text) - 1] : flows.find((f) => f.id === text);
    if (chosen) return chosen.id;
    screen.print(style.yellow(`  Choose a number from 1 to ${flows.length}.`));
  }
}

/** Prints how the login ended and returns the exit code for it. */
function showEnd(ctx: ClientContext, screen: Screen, session: LoginSession, bridgeName: string): number {
  const { style } = screen;
  const errors = createStyle(ctx.io.stderr, ctx.io.env);
  if (session.status === 'failed') {
    const error = session.error ?? { code: 'failed', message: 'the login failed' };
    ctx.io.stderr.write(errors.red(`error: ${error.code}: ${error.message}`) + '\n');
    return ExitCode.failed;
  }
  if (session.status === 'cancelled') {
    ctx.io.stderr.write(errors.red('error: cancelled: the login session was cancelled') + '\n');
    return ExitCode.cancelled;
  }
  const step = session.currentStep?.type === 'complete' ? session.currentStep : undefined;
  const account = session.account ?? step?.account;
  screen.print('', `${style.green('✓')} ${style.bold(`Connected ${account ? displayUser(account) : (session.accountID ?? 'an account')}`)} on ${bridgeName}`);
  if (step?.instructions) screen.print(style.dim(step.instructions));
  if (account) {
    screen.print(`  Account ID  ${account.accountID}`);
    if (account.user.username) screen.print(`  Username    ${account.user.username}`);
    screen.print(`  Status      ${account.status}`);
  }
  return ExitCode.ok;
}
