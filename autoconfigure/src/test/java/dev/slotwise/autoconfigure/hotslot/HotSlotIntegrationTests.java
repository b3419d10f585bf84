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
package dev.slotwise.autoconfigure.hotslot;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.slotwise.hotslot.HotSlotDetector;
import dev.slotwise.hotslot.HotSlotEvent;
import dev.slotwise.hotslot.HotSlotSnapshot;
import dev.slotwise.hotslot.KeyCount;
import dev.slotwise.key.ClusterKeys;
import dev.slotwise.test.LocalRedisCluster;
import dev.slotwise.test.LocalRedisClusterTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hot-slot detection with nothing but properties, against a real cluster: Boot's own
 * Lettuce client counts the application's commands, a hot slot arrives as an application
 * event naming its master, and the meters show it.
 */
@SpringBootTest(classes = HotSlotIntegrationTests.App.class,
		properties = { "slotwise.monitor.hot-slots.window=2s", "slotwise.monitor.hot-slots.buckets=4",
				"slotwise.monitor.hot-slots.min-commands=200", "slotwise.monitor.hot-slots.key-sample-rate=2",
				"slotwise.monitor.hot-slots.server-view-interval=1s" })
@LocalRedisClusterTest
class HotSlotIntegrationTests {

	private static final String HOT_KEY = "cart:{checkout}";

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private HotSlotDetector detector;

	@Autowired
	private Alerts alerts;

	@Autowired
	private MeterRegistry registry;

	@Test
	void aHotSlotIsPublishedOnceWithItsMasterAndShownInTheSnapshotAndMeters(LocalRedisCluster cluster) {
		int slot = new ClusterKeys().slot(HOT_KEY);
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			workload();
			return !this.alerts.events.isEmpty();
		});
		assertThat(this.alerts.events).singleElement().satisfies((event) -> {
			assertThat(event.slot()).isEqualTo(slot);
			assertThat(event.master()).isEqualTo(cluster.masterForKey(HOT_KEY).address());
			assertThat(event.share()).isGreaterThan(0.3);
		});
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			workload();
			HotSlotSnapshot snapshot = this.detector.snapshot();
			return !snapshot.hotSlots().isEmpty() && !snapshot.hotSlots().get(0).topKeys().isEmpty()
					&& snapshot.masters().size() == 3;
		});
		assertThat(this.detector.snapshot().hotSlots().get(0).topKeys()).first()
			.extracting(KeyCount::key)
			.isEqualTo(HOT_KEY);
		assertThat(this.alerts.events).as("one event while the slot stays hot").hasSize(1);
		assertThat(this.registry.get("slotwise.hotslot.alerts").functionCounter().count()).isEqualTo(1);
		assertThat(this.registry.get("slotwise.hotslot.commands").functionCounter().count()).isPositive();
		assertThat(this.registry.get("slotwise.hotslot.hottest.share").gauge().value()).isGreaterThan(0.3);
	}

	private void workload() {
		for (int i = 0; i < 200; i++) {
			this.redis.opsForValue().get(HOT_KEY);
			this.redis.opsForValue().set("item:" + i, "v");
		}
	}

	static class Alerts {

		final List<HotSlotEvent> events = new CopyOnWriteArrayList<>();

		@EventListener
		void on(HotSlotEvent event) {
			this.events.add(event);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		Alerts alerts() {
			return new Alerts();
		}

		@Bean
		io.micrometer.core.instrument.simple.SimpleMeterRegistry meterRegistry() {
			return new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
		}

	}

}
