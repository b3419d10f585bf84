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

import dev.slotwise.autoconfigure.cache.ClusterCacheAutoConfiguration;
import dev.slotwise.autoconfigure.hotslot.HotSlotAutoConfiguration;
import dev.slotwise.autoconfigure.ratelimit.RateLimiterAutoConfiguration;
import dev.slotwise.buffer.WriteBuffer;
import dev.slotwise.cache.ClusterCacheManager;
import dev.slotwise.cache.NearCacheTracker;
import dev.slotwise.hotslot.HotSlotDetector;
import dev.slotwise.monitor.ClusterMonitor;
import dev.slotwise.ratelimit.RateLimiter;
import dev.slotwise.resharding.SlotMigrator;
import dev.slotwise.resharding.SlotTraffic;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Auto-configuration of the {@code slotwise} actuator endpoint, when it is exposed.
 */
@AutoConfiguration(after = { ClusterMonitorAutoConfiguration.class, HotSlotAutoConfiguration.class,
		RateLimiterAutoConfiguration.class, ClusterCacheAutoConfiguration.class })
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(ClusterMonitor.class)
public final class SlotwiseEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	SlotwiseEndpoint slotwiseEndpoint(ClusterMonitor monitor, ObjectProvider<WriteBuffer> writeBuffer,
			ObjectProvider<SlotTraffic> slotTraffic, RedisConnectionFactory connectionFactory,
			SlotwiseMonitorProperties properties, ObjectProvider<HotSlotDetector> hotSlots,
			ObjectProvider<RateLimiter> rateLimiter, ObjectProvider<ClusterCacheManager> cacheManager,
			ObjectProvider<NearCacheTracker> nearCacheTracker) {
		SlotwiseMonitorProperties.Endpoint endpoint = properties.getEndpoint();
		if (endpoint.getMaxPlanSteps() < 1) {
			throw new InvalidConfigurationPropertyValueException("slotwise.monitor.endpoint.max-plan-steps",
					endpoint.getMaxPlanSteps(), "A plan moves at least one slot: set it to 1 or more.");
		}
		SlotMigrator migrator = endpoint.isReshardEnabled()
				? new SlotMigrator(connectionFactory, 100, Duration.ofSeconds(5)) : null;
		return new SlotwiseEndpoint(monitor, writeBuffer.getIfAvailable(), slotTraffic.getIfAvailable(), migrator,
				endpoint.getMaxPlanSteps(), hotSlots.getIfAvailable(), rateLimiter.getIfAvailable(),
				cacheManager.getIfAvailable(), nearCacheTracker.getIfAvailable());
	}

}
