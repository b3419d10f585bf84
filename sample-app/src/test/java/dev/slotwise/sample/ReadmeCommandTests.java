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

package dev.slotwise.sample;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the README's first command the way a new user would, as a process: the sample
 * starts with a local cluster of its own, answers, and when stopped leaves no
 * {@code redis-server} behind.
 */
class ReadmeCommandTests {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

	private static final Pattern NODES = Pattern.compile("Local Redis Cluster ready: (\\S+)");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@Test
	void theFirstCommandRunsTheSampleOnALocalClusterAndStopsIt(@TempDir Path work) throws Exception {
		String command = firstCommand();
		assertThat(command).contains("spring-boot:run");
		Path log = work.resolve("sample.log");
		ProcessBuilder builder = new ProcessBuilder("bash", "-c", "exec " + command).directory(ROOT.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().put("SERVER_PORT", "0");
		builder.environment().put("SLOTWISE_WRITE_BUFFER_JOURNAL_DIRECTORY", work.resolve("journal").toString());
		builder.environment().remove("SPRING_DATA_REDIS_CLUSTER_NODES");
		Process process = builder.start();
		List<Integer> nodePorts;
		try {
			await().atMost(Duration.ofMinutes(5))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> !process.isAlive() || PORT.matcher(Files.readString(log)).find());
			assertThat(process.isAlive()).as("the sample is running; its log:%n%s", Files.readString(log)).isTrue();
			String output = Files.readString(log);
			int port = Integer.parseInt(match(PORT, output));
			nodePorts = Arrays.stream(match(NODES, output).split(","))
				.map((node) -> Integer.parseInt(node.substring(node.lastIndexOf(':') + 1)))
				.toList();
			assertThat(nodePorts).hasSize(6);
			await().atMost(Duration.ofSeconds(30)).until(() -> get(port, "/actuator/health").contains("\"UP\""));
			assertThat(get(port, "/products/readme")).contains("\"name\":\"Product readme\"");
		}
		finally {
			process.destroy();
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.descendants().forEach(ProcessHandle::destroyForcibly);
				process.destroyForcibly();
			}
		}
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(nodePorts).as("redis-server ports still accepting connections")
				.noneMatch(ReadmeCommandTests::accepts));
	}

	private static String firstCommand() throws IOException {
		List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
		int start = lines.indexOf("```sh");
		assertThat(start).as("a ```sh block in the README").isNotNegative();
		return lines.get(start + 1).trim();
	}

	private static String match(Pattern pattern, String text) {
		Matcher matcher = pattern.matcher(text);
		assertThat(matcher.find()).as("%s in:%n%s", pattern, text).isTrue();
		return matcher.group(1);
	}

	private String get(int port, String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(5))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString()).body();
	}

	private static boolean accepts(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
