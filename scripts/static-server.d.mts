export interface StaticServer {
  /** `http://HOST:PORT`: what a page served here sends as its Origin. */
  origin: string;
  port: number;
  close(): Promise<void>;
}
export function startStaticServer(
  mounts: Record<string, string>,
  opts?: { host?: string; port?: number },
): Promise<StaticServer>;
