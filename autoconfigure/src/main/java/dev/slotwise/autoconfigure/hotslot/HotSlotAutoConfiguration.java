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

import dev.slotwise.autoconfigure.PropertyChecks;
import dev.slotwise.hotslot.HotSlotDetector;
import dev.slotwise.hotslot.HotSlotEvent;
import dev.slotwise.hotslot.HotSlotSettings;
import dev.slotwise.hotslot.SlotLoad;
import dev.slotwise.resharding.SlotTraffic;
import io.lettuce.core.event.command.CommandListener;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Auto-configuration of the {@link HotSlotDetector}: its listener is registered with the
 * Lettuce client of Spring Boot's connection factory, each slot that becomes hot is
 * published as a {@link HotSlotEvent} application event, and with Micrometer present its
 * meters are bound. A user's own {@link HotSlotDetector} bean wins; its listener is
 * registered the same way.
 */
@AutoConfiguration(after = DataRedisAutoConfiguration.class)
@ConditionalOnClass({ LettuceConnectionFactory.class, CommandListener.class })
@ConditionalOnBean(RedisConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "slotwise.monitor.hot-slots.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SlotwiseHotSlotProperties.class)
public final class HotSlotAutoConfiguration {

	/**
	 * The detector. The connection factory is injected lazily: the listener must be
	 * registered while the factory itself is being initialized, and the detector only
	 * uses the factory later, on its own thread.
	 */
	@Bean
	@ConditionalOnMissingBean
	HotSlotDetector hotSlotDetector(SlotwiseHotSlotProperties properties,
			@Lazy RedisConnectionFactory connectionFactory, ApplicationEventPublisher publisher) {
		return new HotSlotDetector(settings(properties), connectionFactory, publisher::publishEvent);
	}

	/**
	 * The detector's counter, registered on Boot's Lettuce client with Slotwise's other
	 * command listeners (see ClusterConnectionAutoConfiguration).
	 */
	@Bean
	CommandListener slotwiseHotSlotCommandListener(HotSlotDetector detector) {
		return detector.commandListener();
	}

	/**
	 * This instance's traffic per slot, for the {@code slotwise} endpoint's resharding
	 * advisor: the busiest slots of the detector's window, zero for the others.
	 */
	@Bean
	@ConditionalOnMissingBean
	SlotTraffic slotwiseSlotTraffic(HotSlotDetector detector) {
		return (slot) -> {
			for (SlotLoad load : detector.snapshot().hottestSlots()) {
				if (load.slot() == slot) {
					return load.commands();
				}
			}
			return 0;
		};
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class Metrics {

		@Bean
		@ConditionalOnMissingBean
		HotSlotMetrics slotwiseHotSlotMetrics(HotSlotDetector detector) {
			return new HotSlotMetrics(detector);
		}

	}

	static HotSlotSettings settings(SlotwiseHotSlotProperties properties) {
		String prefix = "slotwise.monitor.hot-slots.";
		PropertyChecks.positive(prefix + "window", properties.getWindow());
		PropertyChecks.positive(prefix + "server-view-interval", properties.getServerViewInterval());
		atLeast(prefix + "buckets", properties.getBuckets(), 1);
		if (properties.getWindow().dividedBy(properties.getBuckets()).toMillis() < 1) {
			throw new InvalidConfigurationPropertyValueException(prefix + "buckets", properties.getBuckets(),
					"A bucket (window / buckets) must last at least 1 ms. Use fewer buckets or a longer window.");
		}
		if (!(properties.getThreshold() > 1)) {
			throw new InvalidConfigurationPropertyValueException(prefix + "threshold", properties.getThreshold(),
					"It must be more than 1 (times the mean share of the active slots); at 1 or less an evenly "
							+ "spread load would be reported hot. 10 is a good start.");
		}
		atLeast(prefix + "min-commands", properties.getMinCommands(), 0);
		atLeast(prefix + "top-keys", properties.getTopKeys(), 0);
		atLeast(prefix + "key-sample-rate", properties.getKeySampleRate(), 1);
		return new HotSlotSettings(properties.getWindow(), properties.getBuckets(), properties.getThreshold(),
				properties.getMinCommands(), properties.getTopKeys(), properties.getKeySampleRate(),
				properties.getServerViewInterval());
	}

	private static void atLeast(String name, long value, long minimum) {
		if (value < minimum) {
			throw new InvalidConfigurationPropertyValueException(name, value, "It must be " + minimum + " or more.");
		}
	}

}
