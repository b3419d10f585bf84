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
import java.time.Duration;

import dev.slotwise.autoconfigure.PropertyChecks;
import dev.slotwise.autoconfigure.cluster.FailureDetectionAutoConfiguration;
import dev.slotwise.cluster.SlotHealth;
import dev.slotwise.monitor.ClusterMonitor;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
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
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Auto-configuration of the {@link ClusterMonitor} and what reads it: the
 * {@code redisCluster} health indicator, cluster meters and the {@code slotwise} actuator
 * endpoint. Cluster changes are published as Spring application events
 * ({@link dev.slotwise.monitor.ClusterEvent}).
 */
@AutoConfiguration(after = { DataRedisAutoConfiguration.class, FailureDetectionAutoConfiguration.class })
@ConditionalOnClass(RedisConnectionFactory.class)
@ConditionalOnBean(RedisConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "slotwise.monitor.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SlotwiseMonitorProperties.class)
public final class ClusterMonitorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ClusterMonitor slotwiseClusterMonitor(RedisConnectionFactory connectionFactory,
			ObjectProvider<SlotHealth> slotHealth, SlotwiseMonitorProperties properties,
			ApplicationEventPublisher publisher) {
		SlotwiseMonitorProperties.ReplicationLag lag = properties.getReplicationLag();
		if (lag.getMaxBytes().isNegative() || lag.getMaxAckAge().isNegative()) {
			throw new InvalidConfigurationPropertyValueException("slotwise.monitor.replication-lag",
					lag.getMaxBytes() + " / " + lag.getMaxAckAge(), "Lag thresholds must not be negative.");
		}
		ClusterMonitor.Settings settings = new ClusterMonitor.Settings(
				PropertyChecks.positive("slotwise.monitor.interval", properties.getInterval()),
				PropertyChecks.positive("slotwise.monitor.node-timeout", properties.getNodeTimeout()),
				lag.getMaxBytes().toBytes(), lag.getMaxAckAge());
		return new ClusterMonitor(connectionFactory, slotHealth.getIfAvailable(), settings, Clock.systemUTC(),
				publisher::publishEvent);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class Metrics {

		@Bean
		@ConditionalOnMissingBean
		ClusterMonitorMetrics slotwiseClusterMonitorMetrics(ClusterMonitor monitor) {
			return new ClusterMonitorMetrics(monitor);
		}

	}

}
