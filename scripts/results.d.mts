export function machineLine(): string;
export function writeSection(which: string, body: string): string;
