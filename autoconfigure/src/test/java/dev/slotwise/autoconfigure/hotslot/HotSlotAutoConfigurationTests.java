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

import dev.slotwise.autoconfigure.cluster.ClusterConnectionAutoConfiguration;
import dev.slotwise.hotslot.HotSlotDetector;
import dev.slotwise.hotslot.HotSlotSettings;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of {@link HotSlotAutoConfiguration}; no Redis needed.
 */
class HotSlotAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterConnectionAutoConfiguration.class,
				DataRedisAutoConfiguration.class, HotSlotAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.cluster.nodes=127.0.0.1:7000,127.0.0.1:7001");

	@Test
	void providesADetectorWithTheDefaultSettings() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(HotSlotDetector.class);
			assertThat(context.getBean(HotSlotDetector.class).settings()).isEqualTo(HotSlotSettings.defaults());
			assertThat(context.getBean(HotSlotDetector.class).isRunning()).isTrue();
		});
	}

	@Test
	void propertiesReachTheSettings() {
		this.runner
			.withPropertyValues("slotwise.monitor.hot-slots.window=20s", "slotwise.monitor.hot-slots.buckets=40",
					"slotwise.monitor.hot-slots.threshold=300", "slotwise.monitor.hot-slots.min-commands=4000",
					"slotwise.monitor.hot-slots.top-keys=50", "slotwise.monitor.hot-slots.key-sample-rate=600",
					"slotwise.monitor.hot-slots.server-view-interval=7000ms")
			.run((context) -> assertThat(context.getBean(HotSlotDetector.class).settings())
				.isEqualTo(new HotSlotSettings(Duration.ofSeconds(20), 40, 300, 4000, 50, 600, Duration.ofSeconds(7))));
	}

	@Test
	void backsOffForAUsersDetectorAndWhenDisabled() {
		HotSlotDetector own = new HotSlotDetector(HotSlotSettings.defaults(), null, (event) -> {
		});
		this.runner.withBean(HotSlotDetector.class, () -> own)
			.run((context) -> assertThat(context.getBean(HotSlotDetector.class)).isSameAs(own));
		this.runner.withPropertyValues("slotwise.monitor.hot-slots.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(HotSlotDetector.class)
				.doesNotHaveBean("slotwiseHotSlotCommandListener"));
	}

	@Test
	void badValuesFailAtStartNamingTheProperty() {
		for (String bad : new String[] { "threshold=1", "window=0s", "buckets=0", "key-sample-rate=0",
				"min-commands=-1", "top-keys=-1", "server-view-interval=-1s" }) {
			this.runner.withPropertyValues("slotwise.monitor.hot-slots." + bad).run((context) -> {
				assertThat(context).as(bad).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("slotwise.monitor.hot-slots." + bad.substring(0, bad.indexOf('=')));
			});
		}
	}

	@Test
	void bindsItsMetersWhenMicrometerIsPresent() {
		this.runner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("slotwise.hotslot.commands").functionCounter().count()).isZero();
				assertThat(registry.get("slotwise.hotslot.alerts").functionCounter().count()).isZero();
				assertThat(registry.get("slotwise.hotslot.hottest.share").gauge().value()).isZero();
			});
	}

}
