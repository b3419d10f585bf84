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

package dev.slotwise.autoconfigure.webflux;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.slotwise.autoconfigure.ratelimit.StructuredFieldsAccess;
import dev.slotwise.ratelimit.RateLimited;
import dev.slotwise.ratelimit.RateLimiter;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A reactive web application (WebFlux on Reactor Netty) with {@code @RateLimited} and
 * {@code @Cacheable} handlers returning {@code Mono}, driven over HTTP by
 * {@link WebTestClient} while a master of the real 3+3 cluster is SIGKILLed: the headers
 * follow the draft and parse as structured fields, the problem details name what went
 * wrong, keys and subjects on the other masters stay exact and cached, those on the
 * killed master are answered by the failure mode and degraded reads (never a 5xx), and
 * Redis answers for them again after the failover.
 */
@SpringBootTest(classes = WebFluxFailoverIntegrationTests.App.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "slotwise.rate-limit.failure-mode=local",
				"slotwise.rate-limit.limits.search.permits=3", "slotwise.rate-limit.limits.search.window=60s",
				"slotwise.cluster.command-timeout=500ms" })
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS, config = "cluster-require-full-coverage no")
@DirtiesContext
class WebFluxFailoverIntegrationTests {

	@LocalServerPort
	private int port;

	@Autowired
	private RateLimiter limiter;

	@Autowired
	private Products products;

	private WebTestClient http;

	@BeforeEach
	void client() {
		this.http = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(10))
			.build();
	}

	private EntityExchangeResult<String> search(String apiKey) {
		return this.http.get()
			.uri("/search?q=pear")
			.headers((headers) -> headers.set("X-Api-Key", apiKey))
			.exchange()
			.expectBody(String.class)
			.returnResult();
	}

	/** One subject per master, found by the limiter's own keys. */
	private Map<ClusterNode, String> subjectPerMaster(LocalRedisCluster cluster, String prefix) {
		Map<ClusterNode, String> subjects = new LinkedHashMap<>();
		for (int i = 0; subjects.size() < cluster.masters().size(); i++) {
			String subject = prefix + i;
			subjects.putIfAbsent(cluster.masterForKey(this.limiter.keysFor(subject, "search").get(0)), subject);
		}
		return subjects;
	}

	private Map<ClusterNode, String> productPerMaster(LocalRedisCluster cluster, String prefix) {
		Map<ClusterNode, String> ids = new LinkedHashMap<>();
		for (int i = 0; ids.size() < cluster.masters().size(); i++) {
			String id = prefix + i;
			ids.putIfAbsent(cluster.masterForKey("products::" + id), id);
		}
		return ids;
	}

	@Test
	void rateLimitedHandlersAnswerWithTheDraftsHeadersAndProblemDetails() {
		List<EntityExchangeResult<String>> results = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			results.add(search("key-1"));
		}
		for (int i = 0; i < 3; i++) {
			EntityExchangeResult<String> allowed = results.get(i);
			assertThat(allowed.getStatus().value()).isEqualTo(200);
			assertThat(allowed.getResponseBody()).isEqualTo("results for pear");
			assertThat(StructuredFieldsAccess.parameters(allowed.getResponseHeaders().getFirst("RateLimit-Policy"),
					"search"))
				.containsExactly(Map.entry("q", 3L), Map.entry("w", 60L));
			Map<String, Object> state = StructuredFieldsAccess
				.parameters(allowed.getResponseHeaders().getFirst("RateLimit"), "search");
			assertThat(state).containsEntry("r", (long) (2 - i));
			assertThat((Long) state.get("t")).isBetween(1L, 60L);
			assertThat(allowed.getResponseHeaders().get("RateLimit-Limit")).as("legacy fields are opt-in").isNull();
		}
		EntityExchangeResult<String> denied = results.get(3);
		assertThat(denied.getStatus().value()).isEqualTo(429);
		assertThat(Long.parseLong(denied.getResponseHeaders().getFirst("Retry-After"))).isBetween(1L, 60L);
		assertThat(StructuredFieldsAccess.parameters(denied.getResponseHeaders().getFirst("RateLimit"), "search"))
			.containsEntry("r", 0L);
		assertThat(denied.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(denied.getResponseBody()).contains("\"status\":429", "\"limit\":\"search\"",
				"\"instance\":\"/search\"");
		this.http.get()
			.uri("/search?q=pear")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(400)
			.jsonPath("$.subjectExpression")
			.isEqualTo("#request.headers.getFirst('X-Api-Key')")
			.jsonPath("$.limit")
			.isEqualTo("search")
			.jsonPath("$.detail")
			.value((detail) -> assertThat((String) detail)
				.contains("'#request.headers.getFirst('X-Api-Key')' resolved to nothing"));
		this.http.get().uri("/by-address").exchange().expectStatus().isOk().expectHeader().exists("RateLimit");
		this.http.get().uri("/open").exchange().expectStatus().isOk().expectHeader().doesNotExist("RateLimit");
	}

	@Test
	void throughAMasterKillOtherSubjectsStayExactAndTheKilledMastersAreDecidedByTheFailureMode(
			LocalRedisCluster cluster) {
		Map<ClusterNode, String> subjects = subjectPerMaster(cluster, "kill-");
		ClusterNode victim = subjects.keySet().iterator().next();
		String onVictim = subjects.get(victim);
		// The victim's subject uses its whole window in Redis before the kill.
		for (int i = 0; i < 3; i++) {
			assertThat(search(onVictim).getStatus().value()).isEqualTo(200);
		}
		assertThat(search(onVictim).getStatus().value()).isEqualTo(429);
		cluster.kill(victim);
		long degradedBefore = this.limiter.decisions().get(RateLimiter.Outcome.DEGRADED);
		// Redis would deny for a minute; this instance's own window of 3 allows.
		await().atMost(Duration.ofSeconds(20)).until(() -> search(onVictim).getStatus().value() == 200);
		assertThat(this.limiter.decisions().get(RateLimiter.Outcome.DEGRADED)).isGreaterThan(degradedBefore);
		subjects.forEach((master, subject) -> {
			if (master.equals(victim)) {
				return;
			}
			for (int i = 0; i < 3; i++) {
				EntityExchangeResult<String> allowed = search(subject);
				assertThat(allowed.getStatus().value()).as("%s on %s", subject, master).isEqualTo(200);
				assertThat(
						StructuredFieldsAccess.parameters(allowed.getResponseHeaders().getFirst("RateLimit"), "search"))
					.as("exact, from Redis")
					.containsEntry("r", (long) (2 - i));
			}
			assertThat(search(subject).getStatus().value()).isEqualTo(429);
		});
		String fresh = subjectPerMaster(cluster, "after-")
			.get(cluster.masterForKey(this.limiter.keysFor(onVictim, "search").get(0)));
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			long allowedBefore = this.limiter.decisions().get(RateLimiter.Outcome.ALLOWED);
			return search(fresh).getStatus().value() == 200
					&& this.limiter.decisions().get(RateLimiter.Outcome.ALLOWED) > allowedBefore;
		});
	}

	@Test
	void cacheableMonosKeepServingThroughAMasterKill(LocalRedisCluster cluster) {
		Map<ClusterNode, String> ids = productPerMaster(cluster, "p");
		ids.values().forEach((id) -> this.http.get().uri("/products/{id}", id).exchange().expectStatus().isOk());
		int loads = this.products.loads();
		Map<String, String> cached = new LinkedHashMap<>();
		ids.values().forEach((id) -> cached.put(id, product(id)));
		assertThat(this.products.loads()).as("all served from Redis").isEqualTo(loads);
		ClusterNode victim = ids.keySet().iterator().next();
		String onVictim = ids.get(victim);
		cluster.kill(victim);
		// A degraded read is a miss: the handler still answers, from the loader.
		assertThat(product(onVictim)).startsWith("product " + onVictim + " #");
		ids.forEach((master, id) -> {
			if (!master.equals(victim)) {
				assertThat(product(id)).as("%s on %s", id, master).isEqualTo(cached.get(id));
			}
		});
		assertThat(this.products.loads()).as("only the killed master's key was loaded again").isEqualTo(loads + 1);
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			String first = product(onVictim);
			int after = this.products.loads();
			return first.equals(product(onVictim)) && this.products.loads() == after;
		});
		assertThat(this.products.fluxLoads()).isZero();
		assertThat(this.http.get()
			.uri("/products/{id}/tags", onVictim)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<List<String>>() {
			})
			.returnResult()
			.getResponseBody()).containsExactly(onVictim + "-a", onVictim + "-b");
		this.http.get().uri("/products/{id}/tags", onVictim).exchange().expectStatus().isOk();
		assertThat(this.products.fluxLoads()).as("a Flux is cached as its list").isEqualTo(1);
	}

	private String product(String id) {
		return this.http.get()
			.uri("/products/{id}", id)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

	static class Products {

		private final AtomicInteger loads = new AtomicInteger();

		private final AtomicInteger fluxLoads = new AtomicInteger();

		int loads() {
			return this.loads.get();
		}

		int fluxLoads() {
			return this.fluxLoads.get();
		}

		@Cacheable("products")
		public Mono<String> product(String id) {
			return Mono.fromSupplier(() -> "product " + id + " #" + this.loads.incrementAndGet());
		}

		@Cacheable("tags")
		public Flux<String> tags(String id) {
			return Flux.defer(() -> {
				this.fluxLoads.incrementAndGet();
				return Flux.just(id + "-a", id + "-b");
			});
		}

	}

	@RestController
	static class Api {

		private final Products products;

		Api(Products products) {
			this.products = products;
		}

		@GetMapping("/search")
		@RateLimited(value = "search", subject = "#request.headers.getFirst('X-Api-Key')")
		Mono<String> search(@RequestParam String q) {
			return Mono.just("results for " + q);
		}

		@GetMapping("/by-address")
		@RateLimited("search")
		Mono<String> byAddress() {
			return Mono.just("limited by the client's address");
		}

		@GetMapping("/open")
		Mono<String> open() {
			return Mono.just("not limited");
		}

		@GetMapping("/products/{id}")
		Mono<String> product(@PathVariable String id) {
			return this.products.product(id);
		}

		@GetMapping("/products/{id}/tags")
		Mono<List<String>> tags(@PathVariable String id) {
			return this.products.tags(id).collectList();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class App {

		@Bean
		Products products() {
			return new Products();
		}

		@Bean
		Api api(Products products) {
			return new Api(products);
		}

	}

}
