/**
 * Runs before every test file: no test may reach the network. Only loopback
 * stays open, for the in-process HTTP servers and the headless browser.
 */
import nock from 'nock';

nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
