// Why the daemon will not start: a message to print as it is, naming the path at fault.
export class StartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartError';
  }
}
