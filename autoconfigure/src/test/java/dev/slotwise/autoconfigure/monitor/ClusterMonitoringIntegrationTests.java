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

package dev.slotwise.autoconfigure.monitor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.slotwise.autoconfigure.buffer.WriteBufferAutoConfiguration;
import dev.slotwise.autoconfigure.cache.ClusterCacheAutoConfiguration;
import dev.slotwise.autoconfigure.cluster.ClusterConnectionAutoConfiguration;
import dev.slotwise.autoconfigure.cluster.FailureDetectionAutoConfiguration;
import dev.slotwise.autoconfigure.key.ClusterKeysAutoConfiguration;
import dev.slotwise.key.ClusterKeys;
import dev.slotwise.monitor.ClusterEvent;
import dev.slotwise.monitor.ClusterMonitor;
import dev.slotwise.resharding.ReshardingAdvisor;
import dev.slotwise.resharding.ReshardingPlan;
import dev.slotwise.resharding.SlotMigrator;
import dev.slotwise.resharding.SlotTraffic;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Health, events, meters and the {@code slotwise} endpoint on a real cluster, through a
 * master kill, a master cut off from this instance alone, and a live slot migration.
 */
@LocalRedisClusterTest(lifecycle = LocalRedisClusterTest.Lifecycle.CLASS, networkFaults = true)
class ClusterMonitoringIntegrationTests {

	private final ClusterKeys keys = new ClusterKeys();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ClusterConnectionAutoConfiguration.class, FailureDetectionAutoConfiguration.class,
						ClusterKeysAutoConfiguration.class, DataRedisAutoConfiguration.class,
						WriteBufferAutoConfiguration.class, ClusterCacheAutoConfiguration.class,
						ClusterMonitorAutoConfiguration.class, ClusterHealthContributorAutoConfiguration.class,
						SlotwiseEndpointAutoConfiguration.class, HealthContributorAutoConfiguration.class,
						EndpointAutoConfiguration.class, MetricsAutoConfiguration.class,
						CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
		.withUserConfiguration(Events.class)
		.withPropertyValues("slotwise.monitor.interval=100ms", "slotwise.cluster.command-timeout=300ms",
				"management.endpoints.web.exposure.include=slotwise");

	@Test
	void healthGoesDownWhenAMasterIsKilledAndUpAfterItsFailoverWithOneEventPerChange(LocalRedisCluster cluster) {
		this.runner.withPropertyValues("spring.data.redis.cluster.nodes=" + cluster.nodesProperty()).run((context) -> {
			HealthIndicator health = context.getBean("redisClusterHealthIndicator", HealthIndicator.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> health.health().getStatus().equals(Status.UP));
			assertThat(health.health().getDetails()).containsEntry("state", "ok")
				.containsEntry("slotsAssigned", 16384)
				.containsKey("masters")
				.doesNotContainKey("warnings");
			assertThat(registry.get("slotwise.cluster.state").gauge().value()).isEqualTo(1);
			assertThat(registry.get("slotwise.cluster.nodes").tag("role", "replica").gauge().value()).isEqualTo(3);
			ClusterNode victim = cluster.masters().get(0);
			ClusterNode replica = cluster.replicasOf(victim).get(0);
			cluster.kill(victim);
			await().atMost(Duration.ofSeconds(15)).until(() -> health.health().getStatus().equals(Status.DOWN));
			assertThat(health.health().getDetails()).as("a failure the cluster sees, not this instance's alone")
				.doesNotContainKey("unreachableFromHere");
			assertThat(registry.get("slotwise.cluster.state").gauge().value()).isZero();
			await().atMost(Duration.ofSeconds(30)).until(() -> health.health().getStatus().equals(Status.UP));
			assertThat(health.health().getDetails().get("warnings")).as("the new master has no replica")
				.asString()
				.contains(replica.address() + " has no replica");
			Events events = context.getBean(Events.class);
			assertThat(events.received).filteredOn(ClusterEvent.Failover.class::isInstance)
				.singleElement()
				.satisfies((event) -> {
					ClusterEvent.Failover failover = (ClusterEvent.Failover) event;
					assertThat(failover.previousMasterAddress()).isEqualTo(victim.address());
					assertThat(failover.newMasterAddress()).isEqualTo(replica.address());
				});
			assertThat(registry.get("slotwise.cluster.failovers").functionCounter().count()).isEqualTo(1);
			assertThat(registry.get("slotwise.cluster.client.refreshes").functionCounter().count())
				.as("registered; how many depends on whether Lettuce noticed the failover first")
				.isGreaterThanOrEqualTo(0);
			List<String> states = events.received.stream()
				.filter(ClusterEvent.StateChanged.class::isInstance)
				.map((event) -> ((ClusterEvent.StateChanged) event).current())
				.toList();
			assertThat(states).contains("fail").endsWith("ok");
			for (int i = 1; i < states.size(); i++) {
				assertThat(states.get(i)).as("one event per change: %s", states).isNotEqualTo(states.get(i - 1));
			}
		});
	}

	@Test
	void healthStaysUpAndNamesAMasterThisInstanceCannotReachWhileTheClusterSeesItHealthy(LocalRedisCluster cluster) {
		this.runner.withPropertyValues("spring.data.redis.cluster.nodes=" + cluster.nodesProperty()).run((context) -> {
			HealthIndicator health = context.getBean("redisClusterHealthIndicator", HealthIndicator.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			SlotwiseEndpoint endpoint = context.getBean(SlotwiseEndpoint.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> health.health().getStatus().equals(Status.UP));
			assertThat(health.health().getDetails()).doesNotContainKey("unreachableFromHere");
			assertThat(registry.get("slotwise.cluster.nodes.unreachable").gauge().value()).isZero();
			ClusterNode unreachable = cluster.masters().get(2);
			cluster.network(unreachable).blackhole();
			try {
				await().atMost(Duration.ofSeconds(15))
					.until(() -> health.health().getDetails().containsKey("unreachableFromHere"));
				Health partitioned = health.health();
				assertThat(partitioned.getStatus()).as("the cluster is fine").isEqualTo(Status.UP);
				assertThat(partitioned.getDetails()).containsEntry("state", "ok")
					.containsEntry("slotsFail", 0)
					.containsEntry("slotsPfail", 0)
					.containsEntry("unreachableFromHere", List.of(unreachable.address()));
				assertThat(partitioned.getDetails().get("warnings")).asString()
					.contains("master " + unreachable.address() + " cannot be reached from this instance");
				assertThat(registry.get("slotwise.cluster.nodes.unreachable").gauge().value()).isOne();
				assertThat(registry.get("slotwise.cluster.state").gauge().value()).isOne();
				assertThat(endpoint.report().unreachableFromHere()).containsExactly(unreachable.address());
			}
			finally {
				cluster.network(unreachable).heal();
			}
			await().atMost(Duration.ofSeconds(15))
				.until(() -> !health.health().getDetails().containsKey("unreachableFromHere"));
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			assertThat(registry.get("slotwise.cluster.nodes.unreachable").gauge().value()).isZero();
			assertThat(endpoint.report().unreachableFromHere()).isEmpty();
		});
	}

	@Test
	void theEndpointPlansAndExecutesALiveMigrationOfAHotSlotUnderTraffic(LocalRedisCluster cluster) {
		String hotKey = "hot:{x}";
		int hot = this.keys.slot(hotKey);
		ClusterNode busiest = cluster.masterForSlot(hot);
		int warm = slotOn(cluster, busiest, hot, -1);
		int alsoWarm = slotOn(cluster, busiest, hot, warm);
		SlotTraffic load = (slot) -> (slot == hot) ? 1000 : (slot == warm || slot == alsoWarm) ? 600 : 0;
		this.runner
			.withPropertyValues("spring.data.redis.cluster.nodes=" + cluster.nodesProperty(),
					"slotwise.monitor.endpoint.reshard-enabled=true")
			.withBean(SlotTraffic.class, () -> load)
			.run((context) -> {
				SlotwiseEndpoint endpoint = context.getBean(SlotwiseEndpoint.class);
				ClusterMonitor monitor = context.getBean(ClusterMonitor.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> monitor.snapshot().isUp());
				List<SlotwiseEndpoint.ReshardingStepDescriptor> steps = endpoint.report().reshardingPlan().steps();
				assertThat(steps).as("the hottest slot moves; moving more would make the target the busiest")
					.singleElement()
					.satisfies((step) -> {
						assertThat(step.slot()).isEqualTo(hot);
						assertThat(step.from()).isEqualTo(busiest.address());
						assertThat(step.redisCli()).startsWith("redis-cli --cluster reshard ");
					});
				String target = steps.get(0).to();
				ReshardingPlan original = ReshardingAdvisor.plan(monitor.snapshot(), load, 16);
				StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
				for (int i = 0; i < 300; i++) {
					redis.opsForValue().set(hotKey + ":" + i, "v" + i);
				}
				List<Throwable> errors = new CopyOnWriteArrayList<>();
				AtomicBoolean running = new AtomicBoolean(true);
				AtomicInteger operations = new AtomicInteger();
				List<Thread> threads = new ArrayList<>();
				for (int t = 0; t < 3; t++) {
					int lane = t;
					Thread thread = new Thread(() -> {
						for (int n = 0; running.get(); n++) {
							String key = hotKey + ":" + ((n * 3 + lane) % 300);
							try {
								if (n % 2 == 0) {
									assertThat(redis.opsForValue().get(key)).as(key).isNotNull();
								}
								else {
									redis.opsForValue().set(key, "v" + ((n * 3 + lane) % 300));
								}
								operations.incrementAndGet();
							}
							catch (Throwable ex) {
								errors.add(ex);
							}
						}
					}, "traffic-" + t);
					thread.start();
					threads.add(thread);
				}
				await().until(() -> operations.get() > 200);
				SlotMigrator.Progress progress = endpoint.reshard();
				int afterMigration = operations.get();
				await().until(() -> operations.get() > afterMigration + 200);
				running.set(false);
				for (Thread thread : threads) {
					thread.join();
				}
				assertThat(progress.complete()).as(progress.toString()).isTrue();
				assertThat(progress.keysMoved()).isGreaterThanOrEqualTo(300);
				assertThat(errors).as("client errors during the migration").isEmpty();
				assertThat(cluster.masterForSlot(hot).address()).isEqualTo(target);
				for (int i = 0; i < 300; i++) {
					assertThat(redis.opsForValue().get(hotKey + ":" + i)).isEqualTo("v" + i);
				}
				assertThat(endpoint.report().lastReshard()).isNotNull();
				SlotMigrator.Progress again = new SlotMigrator(context.getBean(RedisConnectionFactory.class), 100,
						Duration.ofSeconds(5))
					.execute(original, (step) -> {
					});
				assertThat(again.complete()).isTrue();
				assertThat(again.stepsSkipped()).as("the same plan again: its slot is already moved").isOne();
			});
	}

	@Test
	void crossSlotErrorsFromPlainTemplateCallsAreCounted(LocalRedisCluster cluster) {
		this.runner.withPropertyValues("spring.data.redis.cluster.nodes=" + cluster.nodesProperty()).run((context) -> {
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			RedisScript<Long> script = RedisScript.of("return redis.call('EXISTS', KEYS[1], KEYS[2])", Long.class);
			assertThat(redis.execute(script, List.of("a:{1}", "b:{1}"))).as("same slot: fine").isZero();
			assertThat(registry.get("slotwise.cluster.crossslot.errors").functionCounter().count()).isZero();
			List<String> spread = List.of("a:{1}", "a:{2}");
			assertThat(this.keys.slot(spread.get(0))).isNotEqualTo(this.keys.slot(spread.get(1)));
			for (int i = 0; i < 3; i++) {
				assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> redis.execute(script, spread))
					.havingRootCause()
					.withMessageStartingWith("CROSSSLOT");
			}
			// Lettuce tells its command listeners on its I/O thread, which may run after
			// the caller has seen the error.
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(
						() -> assertThat(registry.get("slotwise.cluster.crossslot.errors").functionCounter().count())
							.isEqualTo(3));
		});
	}

	private int slotOn(LocalRedisCluster cluster, ClusterNode master, int except, int alsoExcept) {
		for (int i = 0;; i++) {
			int slot = this.keys.slot("k" + i);
			if (slot != except && slot != alsoExcept && cluster.masterForSlot(slot).equals(master)) {
				return slot;
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Events {

		final List<ClusterEvent> received = new CopyOnWriteArrayList<>();

		@EventListener
		void on(ClusterEvent event) {
			this.received.add(event);
		}

		@Bean
		String eventsMarker() {
			return "events";
		}

	}

}
