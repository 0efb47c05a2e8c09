import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORTS, portInUseMessage } from './sim.cli.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('simulator ports', () => {
  it('the default DNS port is not the mDNS port', () => {
    expect(DEFAULT_PORTS.dns).not.toBe(5353);
  });

  it('a taken port names the flag that moves it', () => {
    const options = { host: '127.0.0.1', dnsPort: 5353, whoisPort: 4343, rdapPort: 8053 };
    expect(portInUseMessage({ port: 5353 }, options)).toBe(
      'the DNS (UDP+TCP) port 127.0.0.1:5353 is already in use (another program holds it: 5353 is the mDNS port, avahi and macOS take it). Choose another with --dns-port <n> (or SIM_DNS_PORT=<n>; 0 = any free port), e.g. npm run sim -- --dns-port 5354',
    );
    expect(portInUseMessage({ port: 8053 }, options)).toContain('Choose another with --rdap-port <n>');
  });

  it('npm run sim on a taken DNS port exits 1 with that message', async () => {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const port = socket.address().port;
    try {
      const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/sim/main.ts', '--dns-port', String(port), '--whois-port', '0', '--rdap-port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toContain(`the DNS (UDP+TCP) port 127.0.0.1:${port} is already in use`);
      expect(stderr).toContain('--dns-port');
    } finally {
      socket.close();
    }
  });
});
