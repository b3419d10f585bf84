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

import java.time.Clock;
import java.time.Duration;

import dev.slotwise.cluster.ClusterTopology;
import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.cluster.SlotHealth;
import dev.slotwise.cluster.StallDetection;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of {@link FailureDetectionAutoConfiguration}; no Redis needed.
 */
class FailureDetectionAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterConnectionAutoConfiguration.class,
				DataRedisAutoConfiguration.class, FailureDetectionAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.cluster.nodes=127.0.0.1:7000,127.0.0.1:7001");

	@Test
	void providesTheTopologySlotHealthAndTheFailureProtocol() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ClusterTopology.class)
				.hasSingleBean(SlotHealth.class)
				.hasSingleBean(SlotGuard.class);
			assertThat(context.getBean(SlotGuard.class).health()).isSameAs(context.getBean(SlotHealth.class));
			assertThat(context.getBean(SlotHealth.class).probeInterval()).isEqualTo(SlotHealth.DEFAULT_PROBE_INTERVAL);
		});
	}

	@Test
	void theProbeIntervalIsAClusterProperty() {
		this.runner.withPropertyValues("slotwise.cluster.probe-interval=3s")
			.run((context) -> assertThat(context.getBean(SlotHealth.class).probeInterval())
				.isEqualTo(Duration.ofSeconds(3)));
	}

	@Test
	void theProbeIntervalsFormerNameStillWorksAndWinsOverTheDefault() {
		this.runner.withPropertyValues("slotwise.cache.probe-interval=30s")
			.run((context) -> assertThat(context.getBean(SlotHealth.class).probeInterval())
				.isEqualTo(Duration.ofSeconds(30)));
	}

	@Test
	void aProbeIntervalThatIsNotPositiveNamesTheProperty() {
		this.runner.withPropertyValues("slotwise.cluster.probe-interval=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("slotwise.cluster.probe-interval");
		});
		this.runner.withPropertyValues("slotwise.cache.probe-interval=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("slotwise.cache.probe-interval");
		});
	}

	@Test
	void stallDetectionIsOnWithItsDefaultsAndConfigurable() {
		this.runner.run((context) -> assertThat(context.getBean(SlotGuard.class).stalls())
			.isEqualTo(StallDetection.defaults()));
		this.runner
			.withPropertyValues("slotwise.cluster.stall-detection.floor=80ms",
					"slotwise.cluster.stall-detection.multiplier=4")
			.run((context) -> assertThat(context.getBean(SlotGuard.class).stalls())
				.isEqualTo(new StallDetection(true, Duration.ofMillis(80), 4)));
		this.runner.withPropertyValues("slotwise.cluster.stall-detection.enabled=false")
			.run((context) -> assertThat(context.getBean(SlotGuard.class).stalls().enabled()).isFalse());
	}

	@Test
	void aStallFloorOrMultiplierOutOfRangeNamesTheProperty() {
		this.runner.withPropertyValues("slotwise.cluster.stall-detection.floor=0ms").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("slotwise.cluster.stall-detection.floor");
		});
		this.runner.withPropertyValues("slotwise.cluster.stall-detection.multiplier=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("slotwise.cluster.stall-detection.multiplier")
				.hasMessageContaining("1 or more");
		});
	}

	@Test
	void backsOffForAUsersBeans() {
		SlotHealth mine = new SlotHealth(Duration.ofMillis(700), Clock.systemUTC());
		this.runner.withBean(SlotHealth.class, () -> mine).run((context) -> {
			assertThat(context).hasSingleBean(SlotHealth.class);
			assertThat(context.getBean(SlotGuard.class).health()).isSameAs(mine);
		});
		SlotGuard guard = new SlotGuard(mine);
		this.runner.withBean(SlotGuard.class, () -> guard)
			.run((context) -> assertThat(context.getBean(SlotGuard.class)).isSameAs(guard));
	}

	@Test
	void needsAConnectionFactory() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FailureDetectionAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SlotGuard.class));
	}

}
