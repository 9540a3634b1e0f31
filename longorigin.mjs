import { WebSocket } from 'ws';
const url = process.argv[2], origin = process.argv[3];
const ws = new WebSocket(url, 'iscsi-bridge.v1', { origin });
ws.on('close', (c, r) => { console.log('close', c, r.toString()); });
ws.on('error', (e) => console.log('error', e.message));
