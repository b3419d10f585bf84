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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample against a real 3+3 cluster, through HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "slotwise.dev-cluster.enabled=false", "slotwise.write-buffer.journal.enabled=false" })
@LocalRedisClusterTest
class SampleApplicationTests {

	@LocalServerPort
	private int port;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private Catalogue catalogue;

	@Autowired
	private OrderHistory orderHistory;

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	private RestClient http;

	@BeforeEach
	void client() {
		this.http = RestClient.create("http://127.0.0.1:" + this.port);
	}

	@Test
	void productsAreCachedInRedisWithTheirTtlAndUpdatesAndDeletesReachTheCache() {
		long loads = this.catalogue.loads();
		Map<String, Object> first = this.http.get().uri("/products/{id}", "p1").retrieve().body(JSON);
		Map<String, Object> second = this.http.get().uri("/products/{id}", "p1").retrieve().body(JSON);
		assertThat(first).containsEntry("name", "Product p1").isEqualTo(second);
		assertThat(this.catalogue.loads()).as("loaded once, then served from Redis").isEqualTo(loads + 1);
		assertThat(this.redis.hasKey("products::p1")).isTrue();
		assertThat(this.redis.getExpire("products::p1")).isBetween(290L, 300L);
		this.http.put()
			.uri("/products/{id}", "p1")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("name", "Renamed", "priceCents", 250))
			.retrieve()
			.toBodilessEntity();
		assertThat(this.http.get().uri("/products/{id}", "p1").retrieve().body(JSON)).containsEntry("name", "Renamed");
		assertThat(this.http.delete().uri("/products/{id}", "p1").retrieve().toBodilessEntity().getStatusCode())
			.isEqualTo(HttpStatus.NO_CONTENT);
		assertThat(this.redis.hasKey("products::p1")).isFalse();
	}

	@Test
	void aUsersProfileCartAndOrdersAreReadInOneCallOnOneSlot(LocalRedisCluster cluster) {
		assertThat(this.http.put()
			.uri("/users/{id}/cart", "42")
			.contentType(MediaType.TEXT_PLAIN)
			.body("2 apples")
			.retrieve()
			.toEntity(JSON)).satisfies((response) -> {
				assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
				assertThat(response.getBody()).containsEntry("status", "WRITTEN");
			});
		this.http.put()
			.uri("/users/{id}/profile", "42")
			.contentType(MediaType.TEXT_PLAIN)
			.body("Ada")
			.retrieve()
			.toBodilessEntity();
		this.redis.opsForValue().set("user:{42}:orders", "#1001");
		Map<String, Object> summary = this.http.get().uri("/users/{id}", "42").retrieve().body(JSON);
		assertThat(summary).containsEntry("profile", "Ada")
			.containsEntry("cart", "2 apples")
			.containsEntry("orders", "#1001");
		long slot = cluster.call(cluster.masters().get(0), (commands) -> commands.clusterKeyslot("user:{42}:cart"));
		assertThat(((Number) summary.get("slot")).longValue()).as("CLUSTER KEYSLOT").isEqualTo(slot);
		assertThat(this.redis.getExpire("user:{42}:cart")).isPositive();
	}

	@Test
	void aUsersOrdersAreCachedUnderTheirTagInOneSlotAndPlacingAnOrderEvictsThemAll(LocalRedisCluster cluster) {
		this.http.post().uri("/users/{id}/orders", "7").retrieve().toBodilessEntity();
		long loads = this.orderHistory.loads();
		Map<String, Object> open = this.http.get().uri("/users/{id}/orders?status=open", "7").retrieve().body(JSON);
		assertThat(open).containsEntry("ids", "7-1");
		this.http.get().uri("/users/{id}/orders?status=open", "7").retrieve().body(JSON);
		this.http.get().uri("/users/{id}/orders?status=shipped", "7").retrieve().body(JSON);
		this.http.get().uri("/users/{id}/orders?status=open", "8").retrieve().body(JSON);
		assertThat(this.orderHistory.loads()).as("three views, each loaded once").isEqualTo(loads + 3);
		assertThat(this.redis.keys("orders::{7}*")).containsExactlyInAnyOrder("orders::{7}:open",
				"orders::{7}:shipped");
		long slot = cluster.call(cluster.masters().get(0), (commands) -> commands.clusterKeyslot("orders::{7}:open"));
		long shipped = cluster.call(cluster.masters().get(0),
				(commands) -> commands.clusterKeyslot("orders::{7}:shipped"));
		assertThat(shipped).isEqualTo(slot);
		assertThat(this.http.post().uri("/users/{id}/orders", "7").retrieve().toBodilessEntity().getStatusCode())
			.isEqualTo(HttpStatus.CREATED);
		assertThat(this.redis.keys("orders::{7}*")).as("every view of user 7, in one call").isEmpty();
		assertThat(this.redis.hasKey("orders::{8}:open")).as("another user's stay").isTrue();
		assertThat(this.http.get().uri("/users/{id}/orders?status=open", "7").retrieve().body(JSON))
			.containsEntry("ids", "7-1,7-2");
	}

	@Test
	void searchIsLimitedPerApiKeyWithRateLimitHeadersAnd429() {
		List<Integer> statuses = new ArrayList<>();
		ResponseEntity<String> refused = null;
		long start = System.nanoTime();
		// Until refused: on a slow machine the bucket's refill (5 a second) lets more
		// than 15 requests through; the bound below accounts for it.
		for (int i = 0; i < 200 && refused == null; i++) {
			ResponseEntity<String> response = this.http.get()
				.uri("/search?q=pear")
				.header("X-Api-Key", "key-1")
				.retrieve()
				.onStatus((status) -> true, (request, reply) -> {
				})
				.toEntity(String.class);
			statuses.add(response.getStatusCode().value());
			if (refused == null && response.getStatusCode().value() == 429) {
				refused = response;
			}
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		assertThat(statuses).as("a burst of 10, then refused").startsWith(200, 200, 200).contains(429);
		// The bucket refills 5 tokens a second while the loop runs.
		assertThat(statuses.stream().filter((status) -> status == 200).count()).isBetween(10L,
				10L + (long) Math.ceil(seconds * 5));
		assertThat(refused).isNotNull();
		assertThat(refused.getHeaders().getFirst("Retry-After")).isEqualTo("1");
		// The draft's fields: a burst of 10, refilled in 2 s at 5 a second.
		assertThat(refused.getHeaders().getFirst("RateLimit-Policy")).isEqualTo("\"search\";q=10;w=2");
		assertThat(refused.getHeaders().getFirst("RateLimit")).matches("\"search\";r=0;t=[12]");
		assertThat(refused.getHeaders().getFirst("RateLimit-Limit")).as("the legacy trio is opt-in").isNull();
		assertThat(refused.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(refused.getBody()).contains("\"status\":429", "\"limit\":\"search\"");
		ResponseEntity<String> other = this.http.get()
			.uri("/search?q=pear")
			.header("X-Api-Key", "key-2")
			.retrieve()
			.toEntity(String.class);
		assertThat(other.getStatusCode()).as("another key has its own limit").isEqualTo(HttpStatus.OK);
		ResponseEntity<String> anonymous = this.http.get()
			.uri("/search?q=pear")
			.retrieve()
			.onStatus((status) -> true, (request, response) -> {
			})
			.toEntity(String.class);
		assertThat(anonymous.getStatusCode()).as("no subject: refused, never allowed")
			.isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(anonymous.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(anonymous.getBody()).as("an RFC 9457 problem naming the expression")
			.contains("\"status\":400", "\"instance\":\"/search\"", "\"limit\":\"search\"",
					"\"subjectExpression\":\"#request.getHeader('X-Api-Key')\"");
	}

	@Test
	void healthAndTheSlotwiseEndpointAreExposed() {
		Map<String, Object> health = this.http.get().uri("/actuator/health").retrieve().body(JSON);
		assertThat(health).containsEntry("status", "UP");
		assertThat((Map<?, ?>) health.get("components")).extracting(Map::keySet)
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.COLLECTION)
			.contains("redis", "redisCluster");
		Map<String, Object> slotwise = this.http.get().uri("/actuator/slotwise").retrieve().body(JSON);
		assertThat(slotwise).containsKeys("cluster", "writeBuffer", "hotSlots", "rateLimiter", "reshardingPlan");
		assertThat(this.http.get()
			.uri("/actuator/metrics/{name}", "slotwise.cache.gets")
			.retrieve()
			.toBodilessEntity()
			.getStatusCode()).isEqualTo(HttpStatus.OK);
	}

}
