import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { hostClock } from '../../src/core/time/clock.js';
import { writeNtpTimestamp } from '../../src/core/time/sntp.js';

export interface FakeSntpServer {
  /** `127.0.0.1:port` */
  address: string;
  /** Requests received. */
  requests: number;
  close(): Promise<void>;
}

export interface FakeSntpOptions {
  /** The server clock minus the host clock. */
  offsetMicros: number;
  stratum?: number;
  /** Raw first byte (LI/VN/mode) to answer with. */
  firstByte?: number;
  referenceId?: string;
  /** Answer this long after a request arrives (the server holds it between T2 and T3). */
  holdMs?: number;
  /** Ignore requests entirely (a silent server). */
  silent?: boolean;
}

/** An SNTP server on 127.0.0.1 whose clock runs `offsetMicros` from the host's. */
export async function startFakeSntpServer(options: FakeSntpOptions): Promise<FakeSntpServer> {
  const clock = hostClock();
  const socket = dgram.createSocket('udp4');
  const server: FakeSntpServer = {
    address: '',
    requests: 0,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
  socket.on('message', (request, remote) => {
    server.requests++;
    if (options.silent) return;
    const received = clock.nowMicros() + options.offsetMicros;
    const reply = Buffer.alloc(48);
    reply[0] = options.firstByte ?? (0 << 6) | (4 << 3) | 4;
    reply[1] = options.stratum ?? 2;
    reply.write((options.referenceId ?? '').padEnd(4, '\0').slice(0, 4), 12, 'latin1');
    request.copy(reply, 24, 40, 48); // originate = the client's transmit timestamp
    writeNtpTimestamp(reply, 32, received);
    const send = () => {
      writeNtpTimestamp(reply, 40, clock.nowMicros() + options.offsetMicros);
      writeNtpTimestamp(reply, 16, received); // reference timestamp
      socket.send(reply, remote.port, remote.address);
    };
    if (options.holdMs) setTimeout(send, options.holdMs);
    else send();
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  server.address = `127.0.0.1:${(socket.address() as AddressInfo).port}`;
  return server;
}
