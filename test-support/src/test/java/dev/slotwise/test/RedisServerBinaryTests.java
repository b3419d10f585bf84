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

package dev.slotwise.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Finding {@code redis-server}, and running a cluster on the binary that
 * {@code org.signal:embedded-redis} ships.
 */
class RedisServerBinaryTests {

	@Test
	void systemPropertyWinsOverEnvironmentAndPath(@TempDir Path folder) throws IOException {
		Path fromProperty = executable(folder, "a");
		Path fromEnvironment = executable(folder, "b");
		Path onPath = folder.resolve("path");
		executable(Files.createDirectories(onPath), "redis-server");
		Properties properties = new Properties();
		properties.setProperty(RedisServerBinary.SYSTEM_PROPERTY, fromProperty.toString());
		Map<String, String> environment = Map.of(RedisServerBinary.ENVIRONMENT_VARIABLE, fromEnvironment.toString(),
				"PATH", onPath.toString());
		assertThat(RedisServerBinary.find(properties, environment).path()).isEqualTo(fromProperty);
		assertThat(RedisServerBinary.find(new Properties(), environment).path()).isEqualTo(fromEnvironment);
		assertThat(RedisServerBinary.find(new Properties(), Map.of("PATH", "/nowhere:" + onPath)))
			.satisfies((binary) -> {
				assertThat(binary.path()).isEqualTo(onPath.resolve("redis-server"));
				assertThat(binary.source()).isEqualTo("PATH");
			});
	}

	@Test
	void aConfiguredPathThatIsNotExecutableIsAClearError(@TempDir Path folder) {
		Properties properties = new Properties();
		properties.setProperty(RedisServerBinary.SYSTEM_PROPERTY, folder.resolve("missing").toString());
		assertThatIllegalStateException().isThrownBy(() -> RedisServerBinary.find(properties, Map.of()))
			.withMessageContaining("system property slotwise.redis-server names '" + folder.resolve("missing"))
			.withMessageContaining("not an executable file");
	}

	@Test
	void withNothingInstalledTheShippedBinaryIsUsed() {
		RedisServerBinary binary = RedisServerBinary.find(new Properties(), Map.of("PATH", "/nowhere"));
		assertThat(binary.source()).isEqualTo("org.signal:embedded-redis");
		assertThat(binary.path()).isExecutable();
	}

	@Test
	void theShippedBinaryRunsAClusterThatFailsOver() {
		try (LocalRedisCluster cluster = LocalRedisCluster.builder()
			.binary(RedisServerBinary.embedded())
			.masters(3)
			.replicasPerMaster(1)
			.nodeTimeout(Duration.ofMillis(500))
			.start()) {
			assertThat(cluster.binary().source()).isEqualTo("org.signal:embedded-redis");
			ClusterNode master = cluster.masterForSlot(0);
			ClusterNode replica = cluster.replicasOf(master).get(0);
			cluster.kill(master);
			cluster.awaitHealthy();
			assertThat(cluster.masterForSlot(0)).isEqualTo(replica);
		}
	}

	@Test
	void installHintNamesThePackagesAndTheOverrides() {
		assertThat(RedisServerBinary.INSTALL_HINT).contains("apt-get install redis-server")
			.contains("brew install redis")
			.contains(RedisServerBinary.SYSTEM_PROPERTY)
			.contains(RedisServerBinary.ENVIRONMENT_VARIABLE);
	}

	private static Path executable(Path folder, String name) throws IOException {
		Path file = folder.resolve(name);
		Files.writeString(file, "#!/bin/sh\n");
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
		return file;
	}

}
