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

import java.time.Clock;

import dev.slotwise.autoconfigure.buffer.WriteBufferAutoConfiguration;
import dev.slotwise.autoconfigure.cache.ClusterCacheAutoConfiguration;
import dev.slotwise.autoconfigure.cluster.ClusterConnectionAutoConfiguration;
import dev.slotwise.autoconfigure.cluster.FailureDetectionAutoConfiguration;
import dev.slotwise.autoconfigure.key.ClusterKeysAutoConfiguration;
import dev.slotwise.monitor.ClusterMonitor;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of {@link ClusterMonitorAutoConfiguration}; no Redis needed.
 */
class ClusterMonitorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterConnectionAutoConfiguration.class,
				FailureDetectionAutoConfiguration.class, ClusterKeysAutoConfiguration.class,
				DataRedisAutoConfiguration.class, WriteBufferAutoConfiguration.class,
				ClusterCacheAutoConfiguration.class, ClusterMonitorAutoConfiguration.class,
				ClusterHealthContributorAutoConfiguration.class, SlotwiseEndpointAutoConfiguration.class,
				HealthContributorAutoConfiguration.class, EndpointAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.cluster.nodes=127.0.0.1:7000,127.0.0.1:7001");

	@Test
	void providesTheMonitorTheHealthIndicatorAndTheMeters() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ClusterMonitor.class)
				.hasSingleBean(ClusterMonitorMetrics.class)
				.hasBean("redisClusterHealthIndicator");
			assertThat(context).as("the endpoint is not exposed by default").doesNotHaveBean(SlotwiseEndpoint.class);
			ClusterMonitor.Settings settings = context.getBean(ClusterMonitor.class).settings();
			assertThat(settings).isEqualTo(ClusterMonitor.Settings.defaults());
		});
	}

	@Test
	void theEndpointExistsWhenExposed() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=slotwise")
			.run((context) -> assertThat(context).hasSingleBean(SlotwiseEndpoint.class));
	}

	@Test
	void propertiesReachTheMonitor() {
		this.runner.withPropertyValues("slotwise.monitor.interval=250ms", "slotwise.monitor.node-timeout=100ms",
				"slotwise.monitor.replication-lag.max-bytes=64KB", "slotwise.monitor.replication-lag.max-ack-age=2s")
			.run((context) -> assertThat(context.getBean(ClusterMonitor.class).settings())
				.isEqualTo(new ClusterMonitor.Settings(java.time.Duration.ofMillis(250),
						java.time.Duration.ofMillis(100), 64 * 1024, java.time.Duration.ofSeconds(2))));
	}

	@Test
	void backsOffForAUsersMonitorAndWhenDisabled() {
		this.runner.withBean("mine", ClusterMonitor.class,
				() -> new ClusterMonitor(org.mockito.Mockito.mock(RedisConnectionFactory.class), null,
						ClusterMonitor.Settings.defaults(), Clock.systemUTC(), (event) -> {
						}))
			.run((context) -> assertThat(context).getBeanNames(ClusterMonitor.class).containsExactly("mine"));
		this.runner.withPropertyValues("slotwise.monitor.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ClusterMonitor.class)
				.doesNotHaveBean(ClusterMonitorMetrics.class)
				.doesNotHaveBean("redisClusterHealthIndicator"));
		this.runner.withPropertyValues("management.health.redis-cluster.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(ClusterMonitor.class)
				.doesNotHaveBean("redisClusterHealthIndicator"));
	}

	@Test
	void worksWithoutActuatorOrMicrometer() {
		// In an application, Boot's import filter drops the health and endpoint
		// auto-configurations by their class-level @ConditionalOnClass; the runner does
		// not filter, so only the monitor's own auto-configuration is given here.
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ClusterConnectionAutoConfiguration.class,
					FailureDetectionAutoConfiguration.class, ClusterKeysAutoConfiguration.class,
					DataRedisAutoConfiguration.class, WriteBufferAutoConfiguration.class,
					ClusterCacheAutoConfiguration.class, ClusterMonitorAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.cluster.nodes=127.0.0.1:7000")
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.health",
					"org.springframework.boot.actuate", "io.micrometer"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ClusterMonitor.class)
				.doesNotHaveBean(ClusterMonitorMetrics.class));
	}

	@Test
	void badValuesFailAtStartNamingTheProperty() {
		this.runner.withPropertyValues("slotwise.monitor.interval=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("slotwise.monitor.interval");
		});
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=slotwise",
					"slotwise.monitor.endpoint.max-plan-steps=0")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("slotwise.monitor.endpoint.max-plan-steps");
			});
	}

}
