import { toAppConfig } from '../../../src/config/app-config';
import { validateEnv } from '../../../src/config/env.validation';
import { isLoopbackHost, isValidHost, localUrlHost, networkWarning } from '../../../src/config/listen-host';

describe('listen host', () => {
  it('defaults to loopback in the embedded mode and to every interface on servers', () => {
    expect(toAppConfig(validateEnv({ KT_MODE: 'embedded' }))).toMatchObject({ host: '127.0.0.1', loopbackOnly: true });
    expect(toAppConfig(validateEnv({ KT_MODE: 'servers' }))).toMatchObject({ host: '0.0.0.0', loopbackOnly: false });
    expect(toAppConfig(validateEnv({ KT_MODE: 'embedded', HOST: '0.0.0.0' }))).toMatchObject({ host: '0.0.0.0', loopbackOnly: false });
    expect(toAppConfig(validateEnv({ KT_MODE: 'servers', HOST: '::1' }))).toMatchObject({ host: '::1', loopbackOnly: true });
  });

  it('tells loopback addresses from network ones', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.1', 'fe80::1', '::ffff:10.0.0.1']) expect(isLoopbackHost(h)).toBe(false);
  });

  it('refuses a HOST that is no address, naming the variable', () => {
    expect(isValidHost('myserver.example')).toBe(false);
    expect(() => validateEnv({ HOST: 'every-network' })).toThrow(/HOST: HOST must be an IP address/);
    expect(() => validateEnv({ HOST: '300.1.1.1' })).toThrow(/HOST/);
  });

  it('warns in one line only when the service is open to a network', () => {
    expect(networkWarning('127.0.0.1', true)).toBeNull();
    const w = networkWarning('0.0.0.0', true)!;
    expect(w).toMatch(/^WARNING: HOST=0\.0\.0\.0 opens the service to the network/);
    expect(w).toContain('Geschäftsstelle login');
    expect(w).not.toContain('\n');
    expect(localUrlHost('0.0.0.0')).toBe('127.0.0.1');
    expect(localUrlHost('::1')).toBe('[::1]');
  });
});
