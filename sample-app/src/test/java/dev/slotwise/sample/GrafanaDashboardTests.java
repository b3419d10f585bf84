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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every {@code slotwise_*} series the Grafana dashboard in {@code docs/grafana} queries
 * is one the running sample exposes at {@code /actuator/prometheus}, so the dashboard
 * does not go blank after a rename.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "slotwise.dev-cluster.enabled=false", "slotwise.write-buffer.journal.enabled=false" })
@LocalRedisClusterTest
class GrafanaDashboardTests {

	private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "slotwise-dashboard.json");

	private static final Pattern SERIES = Pattern.compile("\\bslotwise_[a-z0-9_]+");

	@LocalServerPort
	private int port;

	@Test
	void everySeriesTheDashboardQueriesIsExposed() throws IOException {
		Set<String> queried = queriedSeries();
		assertThat(queried).as("series in %s", DASHBOARD).isNotEmpty();
		RestClient http = RestClient.create("http://127.0.0.1:" + this.port);
		// Traffic, so that the meters registered on first use exist: a cached read, a
		// rate-limit decision.
		http.get().uri("/products/{id}", "d1").retrieve().toBodilessEntity();
		http.get().uri("/products/{id}", "d1").retrieve().toBodilessEntity();
		http.get().uri("/search?q=kettle").header("X-Api-Key", "dashboard").retrieve().toBodilessEntity();
		await().untilAsserted(() -> {
			Set<String> exposed = exposedSeries(http.get().uri("/actuator/prometheus").retrieve().body(String.class));
			assertThat(exposed).as("slotwise series at /actuator/prometheus").containsAll(queried);
		});
	}

	private static Set<String> queriedSeries() throws IOException {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		Set<String> series = new TreeSet<>();
		for (JsonNode panel : dashboard.path("panels")) {
			for (JsonNode target : panel.path("targets")) {
				Matcher matcher = SERIES.matcher(target.path("expr").asString());
				while (matcher.find()) {
					series.add(matcher.group());
				}
			}
		}
		return series;
	}

	private static Set<String> exposedSeries(String scrape) {
		Set<String> series = new TreeSet<>();
		for (String line : scrape.split("\n")) {
			Matcher matcher = SERIES.matcher(line);
			if (!line.startsWith("#") && matcher.lookingAt()) {
				series.add(matcher.group());
			}
		}
		return series;
	}

}
