// Requests to URLs a tenant owner typed (an SSO issuer and what its discovery document names, the
// audit webhook's receiver) go only to public addresses: otherwise an owner could make the gateway
// call the cloud's metadata service (169.254.169.254), a database or an admin port on the internal
// network, and read the answers back through a "test" button's error messages. The address is
// checked where the connection is made, after DNS, so a name that resolves to a private address (or
// is made to, between a check and the connect) is refused as well. A local install, where the IdP
// and the receiver are on the same machine, allows them (`Config.outboundAllowPrivate`).
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { PRIVATE_ADDRESS_REFUSED } from '@gatehouse/domain';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';

const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64: an IPv4 address in disguise
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** Whether an IP address is loopback, private, link-local or otherwise not on the public internet. */
export function isPrivateAddress(address: string): boolean {
  const mapped = MAPPED_V4.exec(address)?.[1];
  if (mapped) return PRIVATE.check(mapped, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true; // not an address at all: nothing to allow
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Why a request was not sent; fetch rejects with a TypeError whose `cause` is this. */
export class PrivateAddressRefused extends Error {
  readonly code = PRIVATE_ADDRESS_REFUSED;
  constructor(host: string, address: string) {
    super(
      `${host === address ? address : `${host} (${address})`} is a private or local address; ` +
        'Gatehouse calls only public addresses (OUTBOUND_ALLOW_PRIVATE=true allows others).',
    );
  }
}

type LookupCallback = (err: Error | null, address: string | LookupAddress[], family?: number) => void;

/** `dns.lookup` that fails for a name with any private address among its answers. */
function publicLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const refused = addresses.find((a) => isPrivateAddress(a.address));
    if (refused) return callback(new PrivateAddressRefused(hostname, refused.address), []);
    const [first] = addresses;
    if (options.all) return callback(null, addresses);
    if (!first) return callback(new Error(`${hostname} has no address.`), []);
    callback(null, first.address, first.family);
  });
}

/**
 * The fetch the gateway hands to everything that calls a tenant-supplied URL: the platform's fetch
 * where private addresses are allowed, otherwise one that connects to public addresses only.
 */
export function outboundFetch({ allowPrivate }: { allowPrivate: boolean }): typeof fetch {
  if (allowPrivate) return fetch;
  const connect = buildConnector({ lookup: publicLookup });
  // Every connection goes through here, a redirect's included; an address written in a URL is
  // connected to without a lookup, so it is checked here rather than in publicLookup.
  const publicConnect: buildConnector.connector = (options, callback) => {
    const host = options.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) && isPrivateAddress(host)) return callback(new PrivateAddressRefused(host, host), null);
    connect(options, callback);
  };
  const dispatcher = new Agent({ connect: publicConnect });
  const guarded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    // Callers pass a URL and options; a Request's method and body would not survive the hand-over.
    if (input instanceof Request)
      throw new TypeError('outboundFetch takes a URL and options, not a Request.');
    // undici's own fetch, so that its dispatcher is the one this version of undici knows.
    const response = await undiciFetch(input, { ...(init as object), dispatcher });
    return response as unknown as Response;
  };
  return guarded as typeof fetch;
}
