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

package dev.slotwise.autoconfigure.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import dev.slotwise.autoconfigure.key.ClusterKeysAutoConfiguration;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.TlsMaterial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.util.TestSocketUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Clusters a client reaches only with help: nodes that announce addresses nothing listens
 * on (through {@code slotwise.cluster.address-map}), an ACL user with a password, and TLS
 * only. Each uses Spring Boot's standard properties.
 */
class ReachabilityIntegrationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterConnectionAutoConfiguration.class,
				ClusterKeysAutoConfiguration.class, DataRedisAutoConfiguration.class, SslAutoConfiguration.class));

	@Test
	void nodesAnnouncingUnreachablePortsAreReachedThroughTheAddressMap() {
		Map<Integer, Integer> announced = new ConcurrentHashMap<>();
		try (LocalRedisCluster cluster = LocalRedisCluster.builder()
			.masters(3)
			.replicasPerMaster(0)
			.perNodeConfig((ports) -> List.of(
					"cluster-announce-port "
							+ announced.computeIfAbsent(ports.port(), (port) -> TestSocketUtils.findAvailableTcpPort()),
					"cluster-announce-bus-port " + ports.busPort()))
			.start()) {
			String map = announced.entrySet()
				.stream()
				.map((entry) -> "127.0.0.1:" + entry.getValue() + "=127.0.0.1:" + entry.getKey())
				.collect(Collectors.joining(","));
			this.runner
				.withPropertyValues("spring.data.redis.cluster.nodes=" + cluster.nodesProperty(),
						"slotwise.cluster.address-map=" + map)
				.run((context) -> writeAndReadAcrossEveryMaster(context.getBean(StringRedisTemplate.class), cluster));
			this.runner.withPropertyValues("spring.data.redis.cluster.nodes=" + cluster.nodesProperty())
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThatExceptionOfType(DataAccessException.class).isThrownBy(
							() -> writeAndReadAcrossEveryMaster(context.getBean(StringRedisTemplate.class), cluster));
				});
		}
	}

	@Test
	void aclUserAndPasswordFromBootsProperties() {
		try (LocalRedisCluster cluster = LocalRedisCluster.builder().aclUser("app", "s3cret-pass").start()) {
			assertThat(cluster.springProperties()).containsEntry("spring.data.redis.username", "app")
				.containsEntry("spring.data.redis.password", "s3cret-pass");
			this.runner.withPropertyValues(properties(cluster))
				.run((context) -> writeAndReadAcrossEveryMaster(context.getBean(StringRedisTemplate.class), cluster));
			this.runner
				.withPropertyValues("spring.data.redis.cluster.nodes=" + cluster.nodesProperty(),
						"spring.data.redis.username=app", "spring.data.redis.password=wrong")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThatExceptionOfType(DataAccessException.class)
						.isThrownBy(() -> context.getBean(StringRedisTemplate.class).opsForValue().set("k", "v"))
						.satisfies((ex) -> assertThat(ex).rootCause().hasMessageContaining("WRONGPASS"));
				});
		}
	}

	@Test
	void tlsOnlyClusterWithBootsSslBundle(@TempDir Path certificates) {
		try (LocalRedisCluster cluster = LocalRedisCluster.builder().tls(TlsMaterial.generate(certificates)).start()) {
			assertThat(cluster.springProperties()).containsEntry("spring.data.redis.ssl.enabled", "true");
			this.runner.withPropertyValues(properties(cluster))
				.run((context) -> writeAndReadAcrossEveryMaster(context.getBean(StringRedisTemplate.class), cluster));
		}
	}

	private static String[] properties(LocalRedisCluster cluster) {
		List<String> values = new ArrayList<>();
		cluster.springProperties().forEach((name, value) -> values.add(name + "=" + value));
		return values.toArray(String[]::new);
	}

	static void writeAndReadAcrossEveryMaster(StringRedisTemplate redis, LocalRedisCluster cluster) {
		Map<String, String> written = new java.util.LinkedHashMap<>();
		for (int i = 0; i < 64; i++) {
			written.put("reach:" + i, "v" + i);
		}
		assertThat(written.keySet().stream().map(cluster::masterForKey).distinct()).hasSize(cluster.masters().size());
		written.forEach((key, value) -> redis.opsForValue().set(key, value));
		written.forEach((key, value) -> assertThat(redis.opsForValue().get(key)).isEqualTo(value));
	}

}
