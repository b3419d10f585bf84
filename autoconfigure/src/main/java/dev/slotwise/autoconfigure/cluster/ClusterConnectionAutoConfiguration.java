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

import dev.slotwise.cluster.AddressMap;
import dev.slotwise.cluster.FailoverTuning;
import dev.slotwise.key.CrossSlotErrors;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.event.command.CommandListener;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Tunes the Lettuce cluster client that Spring Boot's own Redis auto-configuration
 * builds: Slotwise adds customizers, never a second connection factory, and a user's own
 * {@code RedisConnectionFactory} is left alone. Nodes, credentials and SSL come from
 * {@code spring.data.redis.*}.
 */
@AutoConfiguration(before = DataRedisAutoConfiguration.class)
@ConditionalOnClass({ LettuceConnectionFactory.class, RedisClusterClient.class, DataRedisAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "slotwise.cluster.enabled", matchIfMissing = true)
@ConditionalOnProperty(name = "spring.data.redis.client-type", havingValue = "lettuce", matchIfMissing = true)
@EnableConfigurationProperties(SlotwiseClusterProperties.class)
public final class ClusterConnectionAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FailoverTuning slotwiseFailoverTuning(SlotwiseClusterProperties properties,
			ObjectProvider<DataRedisProperties> redisProperties) {
		return FailoverTuningFactory.create(properties, redisProperties.getIfAvailable());
	}

	/**
	 * Applies the tuning to the client configuration Boot builds. Boot builds cluster
	 * client options only when {@code spring.data.redis.cluster.*} properties are set;
	 * when the nodes come from a {@link DataRedisConnectionDetails} bean (test wiring,
	 * {@code @ServiceConnection}) the options are upgraded to cluster options here, or
	 * Spring Data would build them without any topology refresh.
	 */
	@Bean
	LettuceClientConfigurationBuilderCustomizer slotwiseClientConfigurationCustomizer(FailoverTuning tuning,
			ObjectProvider<DataRedisConnectionDetails> connectionDetails) {
		return (builder) -> {
			DataRedisConnectionDetails details = connectionDetails.getIfAvailable();
			if (details == null || details.getCluster() == null || details.getCluster().getNodes().isEmpty()) {
				throw new ClusterNodesMissingException();
			}
			builder.commandTimeout(tuning.commandTimeout());
			ClientOptions current = builder.build().getClientOptions().orElseGet(ClientOptions::create);
			ClusterClientOptions.Builder options = (current instanceof ClusterClientOptions cluster) ? cluster.mutate()
					: ClusterClientOptions.builder(current);
			tuning.applyTo(options);
			builder.clientOptions(options.build());
		};
	}

	@Bean
	static CommandListenerRegistrar slotwiseCommandListenerRegistrar(ObjectProvider<CommandListener> listeners) {
		return new CommandListenerRegistrar(listeners);
	}

	@Bean
	@ConditionalOnMissingBean
	CrossSlotErrors slotwiseCrossSlotErrors() {
		return new CrossSlotErrors();
	}

	@Bean
	ClientResourcesBuilderCustomizer slotwiseAddressMapCustomizer(SlotwiseClusterProperties properties) {
		AddressMap addressMap = FailoverTuningFactory.addressMap(properties);
		return (builder) -> {
			if (!addressMap.isEmpty()) {
				builder.socketAddressResolver(addressMap.socketAddressResolver());
			}
		};
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class Metrics {

		@Bean
		MeterBinder slotwiseCrossSlotMetrics(CrossSlotErrors errors) {
			return (registry) -> FunctionCounter
				.builder("slotwise.cluster.crossslot.errors", errors, CrossSlotErrors::count)
				.description("Commands Redis refused with CROSSSLOT (keys in different slots)")
				.register(registry);
		}

	}

}
