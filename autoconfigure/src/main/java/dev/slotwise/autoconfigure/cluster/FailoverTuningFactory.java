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

import java.time.Duration;
import java.util.List;

import dev.slotwise.autoconfigure.PropertyChecks;
import dev.slotwise.cluster.AddressMap;
import dev.slotwise.cluster.FailoverTuning;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;

/**
 * Turns {@link SlotwiseClusterProperties} (and Boot's timeouts where Slotwise's are
 * unset) into a {@link FailoverTuning}, naming the property and the fix for every bad
 * value.
 */
final class FailoverTuningFactory {

	private static final Log logger = LogFactory.getLog(FailoverTuningFactory.class);

	private FailoverTuningFactory() {
	}

	static FailoverTuning create(SlotwiseClusterProperties properties, @Nullable DataRedisProperties redis) {
		Duration commandTimeout = pick("slotwise.cluster.command-timeout", properties.getCommandTimeout(),
				"spring.data.redis.timeout", (redis != null) ? redis.getTimeout() : null,
				FailoverTuning.DEFAULT_COMMAND_TIMEOUT);
		Duration connectTimeout = pick("slotwise.cluster.connect-timeout", properties.getConnectTimeout(),
				"spring.data.redis.connect-timeout", (redis != null) ? redis.getConnectTimeout() : null,
				FailoverTuning.DEFAULT_CONNECT_TIMEOUT);
		SlotwiseClusterProperties.TopologyRefresh refresh = properties.getTopologyRefresh();
		SlotwiseClusterProperties.KeepAlive keepAlive = properties.getKeepAlive();
		FailoverTuning.Builder builder = FailoverTuning.builder()
			.commandTimeout(commandTimeout)
			.connectTimeout(connectTimeout)
			.topologyRefresh(refresh.isEnabled())
			.refreshPeriod(PropertyChecks.positive("slotwise.cluster.topology-refresh.period", refresh.getPeriod()))
			.adaptiveRefreshMinInterval(PropertyChecks
				.positive("slotwise.cluster.topology-refresh.adaptive-min-interval", refresh.getAdaptiveMinInterval()))
			.refreshReconnectAttempts(
					atLeastOne("slotwise.cluster.topology-refresh.reconnect-attempts", refresh.getReconnectAttempts()))
			.keepAlive(keepAlive.isEnabled(),
					PropertyChecks.positive("slotwise.cluster.keep-alive.idle", keepAlive.getIdle()),
					PropertyChecks.positive("slotwise.cluster.keep-alive.interval", keepAlive.getInterval()),
					atLeastOne("slotwise.cluster.keep-alive.count", keepAlive.getCount()))
			.tcpUserTimeout(notNegative("slotwise.cluster.tcp-user-timeout", properties.getTcpUserTimeout()))
			.whenDisconnected(properties.getWhenDisconnected())
			.requestQueueSize(atLeastOne("slotwise.cluster.request-queue-size", properties.getRequestQueueSize()));
		if (redis != null) {
			builder.dynamicRefreshSources(redis.getLettuce().getCluster().getRefresh().isDynamicRefreshSources());
		}
		return builder.build();
	}

	static AddressMap addressMap(SlotwiseClusterProperties properties) {
		List<String> entries = properties.getAddressMap();
		try {
			return AddressMap.parse(entries);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("slotwise.cluster.address-map",
					String.join(",", entries), ex.getMessage());
		}
	}

	private static Duration pick(String slotwiseName, @Nullable Duration slotwise, String bootName,
			@Nullable Duration boot, Duration fallback) {
		if (slotwise != null) {
			PropertyChecks.positive(slotwiseName, slotwise);
			if (boot != null && !boot.equals(slotwise)) {
				logger.warn("Both " + slotwiseName + " (" + slotwise + ") and " + bootName + " (" + boot + ") are set; "
						+ "using " + slotwiseName + ". Remove one of them to silence this warning.");
			}
			return slotwise;
		}
		if (boot != null) {
			return PropertyChecks.positive(bootName, boot);
		}
		return fallback;
	}

	private static Duration notNegative(String name, Duration value) {
		if (value.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(name, value,
					"It must not be negative. Use 0 to turn it off, or a duration such as 6s.");
		}
		return value;
	}

	private static int atLeastOne(String name, int value) {
		if (value < 1) {
			throw new InvalidConfigurationPropertyValueException(name, value,
					"It must be at least 1. Remove it to use the default.");
		}
		return value;
	}

}
