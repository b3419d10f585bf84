/*
 * Copyright 2026 the Slotwise authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package dev.slotwise.cluster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.lettuce.core.internal.HostAndPort;
import io.lettuce.core.resource.DnsResolver;
import io.lettuce.core.resource.MappingSocketAddressResolver;
import io.lettuce.core.resource.SocketAddressResolver;

/**
 * Maps the addresses cluster nodes announce to addresses this client can reach: the
 * Docker, Kubernetes and NAT case where {@code CLUSTER NODES} lists internal addresses.
 *
 * <p>
 * Each entry is {@code announced=reachable}. Both sides are {@code host:port} (that
 * address only) or both are {@code host} (every port of that host, port kept). IPv6 hosts
 * go in brackets: {@code [fd00::5]:6379}. An exact {@code host:port} entry wins over a
 * host entry.
 */
public final class AddressMap {

	private static final AddressMap EMPTY = new AddressMap(Map.of(), Map.of());

	private final Map<HostAndPort, HostAndPort> addresses;

	private final Map<String, String> hosts;

	private AddressMap(Map<HostAndPort, HostAndPort> addresses, Map<String, String> hosts) {
		this.addresses = addresses;
		this.hosts = hosts;
	}

	/**
	 * A map that changes nothing.
	 * @return the empty map
	 */
	public static AddressMap empty() {
		return EMPTY;
	}

	/**
	 * Parse {@code announced=reachable} entries.
	 * @param entries the entries
	 * @return the map
	 * @throws IllegalArgumentException naming the entry and the expected form if one is
	 * malformed or maps an address twice
	 */
	public static AddressMap parse(List<String> entries) {
		Map<HostAndPort, HostAndPort> addresses = new LinkedHashMap<>();
		Map<String, String> hosts = new LinkedHashMap<>();
		for (int i = 0; i < entries.size(); i++) {
			String entry = entries.get(i);
			if (entry == null || entry.isBlank()) {
				throw invalid(i, String.valueOf(entry), "it is empty");
			}
			int equals = entry.indexOf('=');
			if (equals < 0 || equals != entry.lastIndexOf('=')) {
				throw invalid(i, entry, "it needs exactly one '=' between the announced and the reachable address");
			}
			Endpoint from = Endpoint.parse(i, entry, entry.substring(0, equals).trim());
			Endpoint to = Endpoint.parse(i, entry, entry.substring(equals + 1).trim());
			if ((from.port < 0) != (to.port < 0)) {
				throw invalid(i, entry, "give a port on both sides or on neither");
			}
			boolean duplicate = (from.port < 0) ? hosts.put(from.host, to.host) != null
					: addresses.put(HostAndPort.of(from.host, from.port), HostAndPort.of(to.host, to.port)) != null;
			if (duplicate) {
				throw invalid(i, entry, "an earlier entry already maps '" + entry.substring(0, equals).trim() + "'");
			}
		}
		return (addresses.isEmpty() && hosts.isEmpty()) ? EMPTY
				: new AddressMap(Map.copyOf(addresses), Map.copyOf(hosts));
	}

	private static IllegalArgumentException invalid(int index, String entry, String problem) {
		return new IllegalArgumentException("Address map entry [" + index + "] '" + entry + "' is invalid: " + problem
				+ ". Write 'announced=reachable' with host:port on both sides (10.0.0.5:6379=127.0.0.1:7000) "
				+ "or a host on both sides (10.0.0.5=redis.example.com).");
	}

	/**
	 * Where to connect for an announced address.
	 * @param announced the address a node announced
	 * @return the address to connect to (the same address when nothing maps it)
	 */
	public HostAndPort apply(HostAndPort announced) {
		HostAndPort exact = this.addresses.get(HostAndPort.of(announced.getHostText(), announced.getPort()));
		if (exact != null) {
			return exact;
		}
		String host = this.hosts.get(announced.getHostText());
		return (host != null) ? HostAndPort.of(host, announced.getPort()) : announced;
	}

	/**
	 * Whether this map changes nothing.
	 * @return whether it is empty
	 */
	public boolean isEmpty() {
		return this.addresses.isEmpty() && this.hosts.isEmpty();
	}

	/**
	 * A Lettuce resolver that connects to mapped addresses and leaves the mapped host
	 * names unresolved, for Netty to resolve when it connects: what Lettuce's own default
	 * resolver does. Lettuce 6.8 (Spring Boot 4.0) and 7 (Spring Boot 4.1) both have this
	 * resolver; Lettuce 7 no longer has {@code DnsResolvers.JVM_DEFAULT}.
	 * @return the resolver
	 */
	public SocketAddressResolver socketAddressResolver() {
		return MappingSocketAddressResolver.create(this::apply);
	}

	/**
	 * A Lettuce resolver that connects to mapped addresses and resolves their host names
	 * with the given resolver.
	 * @param dnsResolver resolves the mapped host names
	 * @return the resolver
	 */
	public SocketAddressResolver socketAddressResolver(DnsResolver dnsResolver) {
		return MappingSocketAddressResolver.create(dnsResolver, this::apply);
	}

	@Override
	public String toString() {
		return "AddressMap" + this.addresses + this.hosts;
	}

	private record Endpoint(String host, int port) {

		static Endpoint parse(int index, String entry, String text) {
			if (text.isEmpty()) {
				throw invalid(index, entry, "one side is empty");
			}
			String host = text;
			String port = null;
			if (text.startsWith("[")) {
				int close = text.indexOf(']');
				if (close < 0) {
					throw invalid(index, entry, "'" + text + "' opens '[' without closing it");
				}
				host = text.substring(1, close);
				String rest = text.substring(close + 1);
				if (!rest.isEmpty()) {
					if (!rest.startsWith(":")) {
						throw invalid(index, entry, "'" + text + "' has text after ']' that is not ':port'");
					}
					port = rest.substring(1);
				}
			}
			else {
				int colon = text.lastIndexOf(':');
				if (colon >= 0) {
					if (text.indexOf(':') != colon) {
						throw invalid(index, entry, "'" + text + "' looks like an IPv6 address; put it in brackets");
					}
					host = text.substring(0, colon);
					port = text.substring(colon + 1);
				}
			}
			if (host.isEmpty()) {
				throw invalid(index, entry, "'" + text + "' has no host");
			}
			if (port == null) {
				return new Endpoint(host, -1);
			}
			try {
				int value = Integer.parseInt(port);
				if (value < 1 || value > 65535) {
					throw invalid(index, entry, "port " + value + " is outside 1..65535");
				}
				return new Endpoint(host, value);
			}
			catch (NumberFormatException ex) {
				throw invalid(index, entry, "port '" + port + "' is not a number");
			}
		}

	}

	@Override
	public boolean equals(Object other) {
		return other instanceof AddressMap map && map.addresses.equals(this.addresses) && map.hosts.equals(this.hosts);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.addresses, this.hosts);
	}

}
