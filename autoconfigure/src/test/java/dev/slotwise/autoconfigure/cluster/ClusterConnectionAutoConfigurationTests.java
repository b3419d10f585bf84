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

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import dev.slotwise.autoconfigure.key.ClusterKeysAutoConfiguration;
import dev.slotwise.cluster.FailoverTuning;
import dev.slotwise.key.ClusterKeys;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions.RefreshTrigger;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.MappingSocketAddressResolver;
import io.lettuce.core.resource.SocketAddressResolver;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of {@link ClusterConnectionAutoConfiguration}: no Redis needed, the client
 * configuration Boot builds is inspected.
 */
class ClusterConnectionAutoConfigurationTests {

	private static final String NODES = "spring.data.redis.cluster.nodes=127.0.0.1:7000,127.0.0.1:7001";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterConnectionAutoConfiguration.class,
				ClusterKeysAutoConfiguration.class, DataRedisAutoConfiguration.class));

	@Test
	void tunesBootsLettuceClientForFailover() {
		this.runner.withPropertyValues(NODES).run((context) -> {
			assertThat(context).hasSingleBean(LettuceConnectionFactory.class).hasSingleBean(FailoverTuning.class);
			LettuceClientConfiguration configuration = clientConfiguration(context);
			assertThat(configuration.getCommandTimeout()).isEqualTo(Duration.ofSeconds(2));
			ClusterClientOptions options = (ClusterClientOptions) configuration.getClientOptions().orElseThrow();
			assertThat(options.getTopologyRefreshOptions().getAdaptiveRefreshTriggers())
				.containsExactlyInAnyOrder(RefreshTrigger.values());
			assertThat(options.getTopologyRefreshOptions().isPeriodicRefreshEnabled()).isTrue();
			assertThat(options.getDisconnectedBehavior()).isEqualTo(DisconnectedBehavior.REJECT_COMMANDS);
			assertThat(options.getSocketOptions().getConnectTimeout()).isEqualTo(Duration.ofSeconds(1));
			assertThat(options.getSocketOptions().isKeepAlive()).isTrue();
			assertThat(options.getTimeoutOptions().isTimeoutCommands()).isTrue();
		});
	}

	@Test
	void nodesFromAConnectionDetailsBeanStillGetClusterOptionsWithRefresh() {
		this.runner.withBean(DataRedisConnectionDetails.class, () -> new DataRedisConnectionDetails() {

			@Override
			public Cluster getCluster() {
				return () -> List.of(new Node("127.0.0.1", 7000), new Node("127.0.0.1", 7001));
			}

		}).run((context) -> {
			ClientOptions options = clientConfiguration(context).getClientOptions().orElseThrow();
			assertThat(options).isInstanceOf(ClusterClientOptions.class);
			assertThat(((ClusterClientOptions) options).getTopologyRefreshOptions().getAdaptiveRefreshTriggers())
				.containsExactlyInAnyOrder(RefreshTrigger.values());
			assertThat(clientConfiguration(context).getCommandTimeout()).isEqualTo(Duration.ofSeconds(2));
		});
	}

	@Test
	void aUsersOwnConnectionFactoryNeedsNoNodesAndIsLeftAlone() {
		this.runner.withBean("userConnectionFactory", RedisConnectionFactory.class, LettuceConnectionFactory::new)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(LettuceConnectionFactory.class).getClientConfiguration().getCommandTimeout())
					.isEqualTo(Duration.ofSeconds(60));
			});
	}

	@Test
	void backsOffForJedis() {
		this.runner.withPropertyValues(NODES, "spring.data.redis.client-type=jedis")
			.run((context) -> assertThat(context).doesNotHaveBean(FailoverTuning.class));
	}

	@Test
	void slotwiseTimeoutsWinOverBootsAndBootsApplyWhenSlotwiseIsUnset() {
		this.runner.withPropertyValues(NODES, "spring.data.redis.timeout=7s", "spring.data.redis.connect-timeout=70ms")
			.run((context) -> {
				LettuceClientConfiguration configuration = clientConfiguration(context);
				assertThat(configuration.getCommandTimeout()).isEqualTo(Duration.ofSeconds(7));
				assertThat(configuration.getClientOptions().orElseThrow().getSocketOptions().getConnectTimeout())
					.isEqualTo(Duration.ofMillis(70));
			});
		this.runner
			.withPropertyValues(NODES, "spring.data.redis.timeout=7s", "slotwise.cluster.command-timeout=700ms",
					"slotwise.cluster.connect-timeout=7000ms")
			.run((context) -> {
				LettuceClientConfiguration configuration = clientConfiguration(context);
				assertThat(configuration.getCommandTimeout()).isEqualTo(Duration.ofMillis(700));
				assertThat(configuration.getClientOptions().orElseThrow().getSocketOptions().getConnectTimeout())
					.isEqualTo(Duration.ofMillis(7000));
			});
	}

	@Test
	void propertiesReachTheClientOptions() {
		this.runner.withPropertyValues(NODES, "slotwise.cluster.topology-refresh.period=30s",
				"slotwise.cluster.topology-refresh.adaptive-min-interval=300ms",
				"slotwise.cluster.topology-refresh.reconnect-attempts=7", "slotwise.cluster.when-disconnected=queue",
				"slotwise.cluster.request-queue-size=77", "slotwise.cluster.keep-alive.count=9")
			.run((context) -> {
				ClusterClientOptions options = (ClusterClientOptions) clientConfiguration(context).getClientOptions()
					.orElseThrow();
				assertThat(options.getTopologyRefreshOptions().getRefreshPeriod()).isEqualTo(Duration.ofSeconds(30));
				assertThat(options.getTopologyRefreshOptions().getAdaptiveRefreshTimeout())
					.isEqualTo(Duration.ofMillis(300));
				assertThat(options.getTopologyRefreshOptions().getRefreshTriggersReconnectAttempts()).isEqualTo(7);
				assertThat(options.getDisconnectedBehavior()).isEqualTo(DisconnectedBehavior.ACCEPT_COMMANDS);
				assertThat(options.getRequestQueueSize()).isEqualTo(77);
				assertThat(options.getSocketOptions().getKeepAlive().getCount()).isEqualTo(9);
			});
	}

	@Test
	void propertyDefaultsAreTheTuningDefaults() {
		SlotwiseClusterProperties properties = new SlotwiseClusterProperties();
		assertThat(properties.getTcpUserTimeout()).isEqualTo(FailoverTuning.DEFAULT_TCP_USER_TIMEOUT);
		assertThat(properties.getRequestQueueSize()).isEqualTo(FailoverTuning.DEFAULT_REQUEST_QUEUE_SIZE);
		assertThat(properties.getTopologyRefresh().getPeriod()).isEqualTo(FailoverTuning.DEFAULT_REFRESH_PERIOD);
		assertThat(properties.getTopologyRefresh().getAdaptiveMinInterval())
			.isEqualTo(FailoverTuning.DEFAULT_ADAPTIVE_REFRESH_MIN_INTERVAL);
		assertThat(properties.getTopologyRefresh().getReconnectAttempts())
			.isEqualTo(FailoverTuning.DEFAULT_REFRESH_RECONNECT_ATTEMPTS);
		assertThat(properties.getKeepAlive().getIdle()).isEqualTo(FailoverTuning.DEFAULT_KEEP_ALIVE_IDLE);
		assertThat(properties.getKeepAlive().getInterval()).isEqualTo(FailoverTuning.DEFAULT_KEEP_ALIVE_INTERVAL);
		assertThat(properties.getKeepAlive().getCount()).isEqualTo(FailoverTuning.DEFAULT_KEEP_ALIVE_COUNT);
	}

	/**
	 * Starts a context with an address map and resolves through it: on Spring Boot 4.1
	 * (Lettuce 7) this fails with {@code NoSuchFieldError: JVM_DEFAULT} if the resolver
	 * is built with Lettuce 6's {@code DnsResolvers.JVM_DEFAULT}.
	 */
	@Test
	void addressMapInstallsAMappingResolver() {
		this.runner.withPropertyValues(NODES, "slotwise.cluster.address-map=10.0.0.5:6379=127.0.0.1:7000")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SocketAddressResolver resolver = context.getBean(ClientResources.class).socketAddressResolver();
				assertThat(resolver).isInstanceOf(MappingSocketAddressResolver.class);
				assertThat(resolver.resolve(RedisURI.create("redis://10.0.0.5:6379")))
					.isInstanceOfSatisfying(InetSocketAddress.class, (address) -> {
						assertThat(address.getHostString()).isEqualTo("127.0.0.1");
						assertThat(address.getPort()).isEqualTo(7000);
					});
			});
	}

	@Test
	void backsOffForAUsersTuningAndKeys() {
		this.runner.withPropertyValues(NODES).withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context).getBean(FailoverTuning.class).isSameAs(context.getBean(UserBeans.class).tuning);
			assertThat(context).getBean(ClusterKeys.class).isSameAs(context.getBean(UserBeans.class).keys);
			assertThat(clientConfiguration(context).getCommandTimeout()).isEqualTo(Duration.ofMillis(1234));
		});
	}

	@Test
	void disabledByPropertyLeavesBootAlone() {
		this.runner.withPropertyValues(NODES, "slotwise.cluster.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(FailoverTuning.class);
			assertThat(clientConfiguration(context).getCommandTimeout()).isEqualTo(Duration.ofSeconds(60));
		});
	}

	@Test
	void noNodesFailsWithAnAnalysisNamingThePropertyAndTheFix() {
		this.runner.run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context, new MockEnvironment());
			assertThat(analysis.getDescription()).contains("spring.data.redis.cluster.nodes is not set");
			assertThat(analysis.getAction()).contains("spring.data.redis.cluster.nodes=redis-0:6379")
				.contains("slotwise.cluster.enabled=false");
		});
	}

	@Test
	void malformedNodeFailsWithAnAnalysisNamingTheEntry() {
		this.runner.withPropertyValues("spring.data.redis.cluster.nodes=127.0.0.1:7000,redis-1,redis-2:port")
			.run((context) -> {
				assertThat(context).hasFailed();
				MockEnvironment environment = new MockEnvironment().withProperty("spring.data.redis.cluster.nodes",
						"127.0.0.1:7000,redis-1,redis-2:port");
				FailureAnalysis analysis = analyze(context, environment);
				assertThat(analysis.getDescription()).contains("'redis-1' (no ':port')")
					.contains("'redis-2:port' (port 'port' is not a number)")
					.doesNotContain("127.0.0.1:7000");
				assertThat(analysis.getAction()).contains("host:port");
			});
	}

	@Test
	void unknownReadFromFailsWithAnAnalysisListingTheChoices() {
		this.runner.withPropertyValues(NODES, "spring.data.redis.lettuce.read-from=closest").run((context) -> {
			assertThat(context).hasFailed();
			MockEnvironment environment = new MockEnvironment().withProperty("spring.data.redis.lettuce.read-from",
					"closest");
			FailureAnalysis analysis = analyze(context, environment);
			assertThat(analysis.getDescription()).contains("'closest'");
			assertThat(analysis.getAction()).contains("replicaPreferred").contains("upstream");
		});
	}

	@Test
	void zeroTimeoutsFailNamingTheProperty() {
		this.runner.withPropertyValues(NODES, "slotwise.cluster.command-timeout=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("slotwise.cluster.command-timeout");
		});
		this.runner.withPropertyValues(NODES, "spring.data.redis.timeout=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("spring.data.redis.timeout");
		});
	}

	@Test
	void malformedAddressMapFailsNamingTheEntry() {
		this.runner.withPropertyValues(NODES, "slotwise.cluster.address-map=10.0.0.5:6379").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("slotwise.cluster.address-map")
				.hasMessageContaining("'10.0.0.5:6379'");
		});
	}

	private static FailureAnalysis analyze(AssertableApplicationContext context, MockEnvironment environment) {
		FailureAnalysis analysis = new ClusterConfigurationFailureAnalyzer(environment)
			.analyze(context.getStartupFailure());
		assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
		return analysis;
	}

	private static LettuceClientConfiguration clientConfiguration(AssertableApplicationContext context) {
		return context.getBean(LettuceConnectionFactory.class).getClientConfiguration();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		final FailoverTuning tuning = FailoverTuning.builder().commandTimeout(Duration.ofMillis(1234)).build();

		final ClusterKeys keys = new ClusterKeys();

		@Bean
		FailoverTuning userTuning() {
			return this.tuning;
		}

		@Bean
		ClusterKeys userKeys() {
			return this.keys;
		}

	}

}
