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

import dev.slotwise.autoconfigure.PropertyChecks;
import dev.slotwise.cluster.ClusterTopology;
import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.cluster.SlotHealth;
import dev.slotwise.cluster.StallDetection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Auto-configuration of failure detection, shared by every capability that calls Redis
 * (the cache, the write buffer, the rate limiter, the monitor): the
 * {@link ClusterTopology} that says which slots share a master, the {@link SlotHealth}
 * marks and the {@link SlotGuard} protocol. Configured under {@code slotwise.cluster.*}.
 */
@AutoConfiguration(after = DataRedisAutoConfiguration.class)
@ConditionalOnClass(RedisConnectionFactory.class)
@ConditionalOnBean(RedisConnectionFactory.class)
@EnableConfigurationProperties(SlotwiseClusterProperties.class)
public final class FailureDetectionAutoConfiguration {

	private static final Log logger = LogFactory.getLog(FailureDetectionAutoConfiguration.class);

	/** The name the probe interval had before it moved to {@code slotwise.cluster}. */
	static final String DEPRECATED_PROBE_INTERVAL = "slotwise.cache.probe-interval";

	@Bean
	@ConditionalOnMissingBean
	ClusterTopology slotwiseClusterTopology(RedisConnectionFactory connectionFactory,
			SlotwiseClusterProperties properties) {
		return new ClusterTopology(connectionFactory, properties.isConfirmProbes());
	}

	@Bean
	@ConditionalOnMissingBean
	SlotHealth slotwiseSlotHealth(SlotwiseClusterProperties properties, ObjectProvider<ClusterTopology> topology,
			Environment environment) {
		Duration probeInterval = Binder.get(environment)
			.bind(DEPRECATED_PROBE_INTERVAL, Duration.class)
			.map((deprecated) -> {
				logger.warn(DEPRECATED_PROBE_INTERVAL + " is deprecated: set slotwise.cluster.probe-interval instead");
				return PropertyChecks.positive(DEPRECATED_PROBE_INTERVAL, deprecated);
			})
			.orElseGet(() -> PropertyChecks.positive("slotwise.cluster.probe-interval", properties.getProbeInterval()));
		ClusterTopology peers = topology.getIfAvailable();
		return (peers != null) ? new SlotHealth(probeInterval, Clock.systemUTC(), peers)
				: new SlotHealth(probeInterval, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	SlotGuard slotwiseSlotGuard(SlotHealth slotHealth, SlotwiseClusterProperties properties) {
		SlotwiseClusterProperties.StallDetection stalls = properties.getStallDetection();
		if (!stalls.isEnabled()) {
			return new SlotGuard(slotHealth);
		}
		Duration floor = PropertyChecks.positive("slotwise.cluster.stall-detection.floor", stalls.getFloor());
		if (stalls.getMultiplier() < 1) {
			throw new InvalidConfigurationPropertyValueException("slotwise.cluster.stall-detection.multiplier",
					stalls.getMultiplier(), "A master may stay silent at least once its usual answer time: "
							+ "set it to 1 or more (the default is " + StallDetection.DEFAULT_MULTIPLIER + ").");
		}
		return new SlotGuard(slotHealth, new StallDetection(true, floor, stalls.getMultiplier()));
	}

}
