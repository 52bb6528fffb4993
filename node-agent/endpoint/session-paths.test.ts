import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { attachURL, endpointURL, parseSessionPath } from './session-paths.ts';

test('the three session paths are recognised', () => {
  assert.equal(parseSessionPath('/sessions/shop/dbg-1/attach'), { namespace: 'shop', name: 'dbg-1', action: 'attach' });
  assert.equal(parseSessionPath('/sessions/shop/dbg.v2/recording?x=1')?.action, 'recording');
  assert.equal(parseSessionPath('/sessions/shop/dbg/logs')?.action, 'logs');
});

test('anything else is not a session path', () => {
  for (const bad of ['/', '/sessions/shop/dbg', '/sessions/shop/dbg/exec', '/sessions/Shop/dbg/attach',
    '/sessions/shop/../attach', '/sessions/shop/dbg/attach/more', '/sessions//dbg/attach', undefined]) {
    assert.is(parseSessionPath(bad), undefined, String(bad));
  }
});

test('attach URLs name the session, with IPv6 addresses in brackets', () => {
  assert.is(attachURL('127.0.0.1', 10027, 'shop', 'dbg'), 'wss://127.0.0.1:10027/sessions/shop/dbg/attach');
  assert.is(endpointURL('::1', 10027), 'https://[::1]:10027');
});

test.run();
