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

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A JVM that is killed with SIGKILL, so that no shutdown hook runs, still takes its
 * redis-server processes with it.
 */
class JvmDeathTests {

	@Test
	void nodesDieWithTheJvmThatStartedThemEvenOnSigkill() throws Exception {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		Process jvm = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
				"-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), ClusterInAnotherJvm.class.getName())
			.redirectErrorStream(true)
			.start();
		try {
			List<Long> pids = null;
			try (BufferedReader output = new BufferedReader(
					new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = output.readLine(); line != null; line = output.readLine()) {
					if (line.startsWith("PIDS ")) {
						pids = Arrays.stream(line.substring(5).split(",")).map(Long::valueOf).toList();
						break;
					}
				}
				assertThat(pids).as("pids printed by the other JVM").hasSize(3);
				assertThat(pids).allSatisfy((pid) -> assertThat(ProcessHandle.of(pid)).isPresent());
				jvm.destroyForcibly();
				jvm.waitFor();
				List<Long> nodes = pids;
				await().atMost(Duration.ofSeconds(10))
					.until(() -> nodes.stream().noneMatch((pid) -> ProcessHandle.of(pid).isPresent()));
			}
		}
		finally {
			jvm.destroyForcibly();
		}
	}

}
