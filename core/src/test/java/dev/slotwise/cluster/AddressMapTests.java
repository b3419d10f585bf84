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

import java.net.InetSocketAddress;
import java.util.List;

import io.lettuce.core.RedisURI;
import io.lettuce.core.internal.HostAndPort;
import io.lettuce.core.resource.SocketAddressResolver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Unit tests for {@link AddressMap}.
 */
class AddressMapTests {

	@Test
	void mapsExactAddressesAndWholeHosts() {
		AddressMap map = AddressMap.parse(
				List.of("10.0.0.5:6379=127.0.0.1:7000", "10.0.0.6=redis-1.example.com", "[fd00::7]:6379=[::1]:7002"));
		assertThat(map.apply(HostAndPort.of("10.0.0.5", 6379))).isEqualTo(HostAndPort.of("127.0.0.1", 7000));
		assertThat(map.apply(HostAndPort.of("10.0.0.6", 6380))).isEqualTo(HostAndPort.of("redis-1.example.com", 6380));
		assertThat(map.apply(HostAndPort.of("fd00::7", 6379))).isEqualTo(HostAndPort.of("::1", 7002));
		assertThat(map.apply(HostAndPort.of("10.0.0.5", 6380))).isEqualTo(HostAndPort.of("10.0.0.5", 6380));
	}

	@Test
	void exactAddressWinsOverHost() {
		AddressMap map = AddressMap.parse(List.of("10.0.0.5=a.example.com", "10.0.0.5:6379=b.example.com:1"));
		assertThat(map.apply(HostAndPort.of("10.0.0.5", 6379))).isEqualTo(HostAndPort.of("b.example.com", 1));
		assertThat(map.apply(HostAndPort.of("10.0.0.5", 6380))).isEqualTo(HostAndPort.of("a.example.com", 6380));
	}

	@Test
	void socketAddressResolverConnectsToTheMappedAddressAndLeavesHostNamesToNetty() {
		SocketAddressResolver resolver = AddressMap
			.parse(List.of("10.0.0.5:6379=redis-0.example.com:7000", "10.0.0.6=127.0.0.1"))
			.socketAddressResolver();
		assertThat(resolver.resolve(RedisURI.create("redis://10.0.0.5:6379")))
			.isEqualTo(InetSocketAddress.createUnresolved("redis-0.example.com", 7000));
		assertThat(resolver.resolve(RedisURI.create("redis://10.0.0.6:6380")))
			.isEqualTo(InetSocketAddress.createUnresolved("127.0.0.1", 6380));
		assertThat(resolver.resolve(RedisURI.create("redis://10.0.0.7:6379")))
			.isEqualTo(InetSocketAddress.createUnresolved("10.0.0.7", 6379));
	}

	@Test
	void emptyMapChangesNothing() {
		assertThat(AddressMap.parse(List.of()).isEmpty()).isTrue();
		assertThat(AddressMap.empty().apply(HostAndPort.of("h", 1))).isEqualTo(HostAndPort.of("h", 1));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "10.0.0.5:6379|exactly one '='", "a=b=c|exactly one '='",
					"10.0.0.5:6379=127.0.0.1|port on both sides or on neither", "=127.0.0.1|one side is empty",
					"10.0.0.5:http=127.0.0.1:1|port 'http' is not a number", "10.0.0.5:0=127.0.0.1:1|outside 1..65535",
					"fd00::1=::1|put it in brackets", "[fd00::1=h|opens '['", ":6379=h:1|has no host" })
	void rejectsMalformedEntriesNamingTheEntryAndTheForm(String entry, String problem) {
		assertThatIllegalArgumentException().isThrownBy(() -> AddressMap.parse(List.of("h1=h2", entry)))
			.withMessageContaining("entry [1] '" + entry + "'")
			.withMessageContaining(problem)
			.withMessageContaining("announced=reachable");
	}

	@Test
	void rejectsMappingAnAddressTwice() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> AddressMap.parse(List.of("10.0.0.5:1=a:1", "10.0.0.5:1=b:1")))
			.withMessageContaining("already maps '10.0.0.5:1'");
	}

}
