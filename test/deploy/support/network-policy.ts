import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { inCidr } from './cidr';

type EgressRule = NonNullable<NonNullable<INetworkPolicy['spec']>['egress']>[number];

/**
 * Whether a NetworkPolicy lets its pods open a TCP connection to `address:port`, by the API's rules: a
 * rule without `ports` allows every port, a rule without `to` every destination, an ipBlock allows its
 * CIDR minus its `except` list. A pod/namespace selector peer selects pods, whose addresses are
 * cluster-private: it is counted as allowing any private address (so a check about private ranges
 * stays on the safe side) and no public one.
 */
export function egressAllows(
  policy: INetworkPolicy,
  address: string,
  port: number,
  isPrivate: boolean,
): boolean {
  const spec = policy.spec;
  if (!spec?.policyTypes?.includes('Egress')) return true;
  return (spec.egress ?? []).some((rule) => ruleAllows(rule, address, port, isPrivate));
}

function ruleAllows(rule: EgressRule, address: string, port: number, isPrivate: boolean): boolean {
  const portOk =
    !rule.ports ||
    rule.ports.length === 0 ||
    rule.ports.some((p) => {
      if ((p.protocol ?? 'TCP') !== 'TCP') return false;
      if (p.port === undefined) return true;
      if (typeof p.port === 'string') return true; // a named port could be anything: assume the worst
      const end = p.endPort ?? p.port;
      return port >= p.port && port <= end;
    });
  if (!portOk) return false;
  if (!rule.to || rule.to.length === 0) return true;
  return rule.to.some((peer) => {
    if (peer.ipBlock)
      return (
        inCidr(address, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(address, c))
      );
    return isPrivate;
  });
}
