// The daemon's commands as main.ts runs them: parsed apart from the others (cli/daemon-args.ts),
// the socket found from --socket, ISCSI_ADAPTER_SOCKET or the default place.
import { defaultSocketPath } from '../daemon/socket-place.ts';
import { defaultNodesFile } from '../daemon/node-records.ts';
import { DAEMON_COMMANDS, type DaemonCommand, parseDaemonArgs } from './daemon-args.ts';
import { runDaemon } from './daemon.ts';
import { daemonCommand } from './daemon-commands.ts';
import { EXIT } from './args.ts';
import { UsageError } from './usage-error.ts';
import { hide, jsonText } from './secrets.ts';

export const isDaemonCommand = (c: string | undefined): boolean => DAEMON_COMMANDS.includes(c as DaemonCommand);

export async function daemonCli(
  argv: string[],
  env: Record<string, string | undefined>,
  secrets: string[],
): Promise<number> {
  const wantsJson = argv.includes('--json');
  const fail = (message: string, code: number) => {
    if (wantsJson) console.log(jsonText({ error: message }, secrets));
    else console.error(hide(`iscsi-adapter: ${message}`, secrets));
    return code;
  };
  try {
    const o = parseDaemonArgs(argv);
    const uid = process.getuid?.() ?? 0;
    const socket = o.socket ?? env.ISCSI_ADAPTER_SOCKET ?? defaultSocketPath(env, uid);
    if (o.command === 'daemon') return await runDaemon(o, socket, o.nodesFile ?? defaultNodesFile(env, uid), env);
    const say = (s: string) => {
      if (!o.json) console.log(hide(s, secrets));
    };
    const r = await daemonCommand(o, socket, env, say);
    if (o.json) console.log(jsonText(r.json, secrets));
    else if (r.code !== EXIT.ok && typeof r.json.error === 'string') {
      console.error(hide(`iscsi-adapter: ${r.json.error}`, secrets));
    }
    return r.code;
  } catch (e) {
    if (e instanceof UsageError) return fail(`${e.message}\n(iscsi-adapter --help lists the commands)`, EXIT.usage);
    return fail((e as Error)?.message ?? String(e), EXIT.failed);
  }
}
