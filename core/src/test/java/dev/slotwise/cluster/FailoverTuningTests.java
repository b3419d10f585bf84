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

package dev.slotwise.cluster;

import java.time.Duration;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions.RefreshTrigger;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Unit tests for {@link FailoverTuning}.
 */
class FailoverTuningTests {

	@Test
	void defaultsTurnOnEveryAdaptiveTriggerAndPeriodicRefresh() {
		ClusterClientOptions.Builder builder = ClusterClientOptions.builder();
		FailoverTuning.defaults().applyTo(builder);
		ClusterClientOptions options = builder.build();
		ClusterTopologyRefreshOptions refresh = options.getTopologyRefreshOptions();
		assertThat(refresh.getAdaptiveRefreshTriggers()).containsExactlyInAnyOrder(RefreshTrigger.values());
		assertThat(refresh.isPeriodicRefreshEnabled()).isTrue();
		assertThat(refresh.getRefreshPeriod()).isEqualTo(Duration.ofSeconds(5));
		assertThat(refresh.getAdaptiveRefreshTimeout()).isEqualTo(Duration.ofSeconds(1));
		assertThat(refresh.getRefreshTriggersReconnectAttempts()).isEqualTo(3);
		assertThat(options.getDisconnectedBehavior()).isEqualTo(DisconnectedBehavior.REJECT_COMMANDS);
		assertThat(options.getRequestQueueSize()).isEqualTo(10_000);
		assertThat(options.getSocketOptions().getConnectTimeout()).isEqualTo(Duration.ofSeconds(1));
		assertThat(options.getSocketOptions().isKeepAlive()).isTrue();
		assertThat(options.getSocketOptions().getKeepAlive().getIdle()).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void customValuesReachTheOptions() {
		ClusterClientOptions.Builder builder = ClusterClientOptions.builder();
		FailoverTuning.builder()
			.connectTimeout(Duration.ofMillis(300))
			.refreshPeriod(Duration.ofSeconds(30))
			.adaptiveRefreshMinInterval(Duration.ofMillis(500))
			.whenDisconnected(FailoverTuning.WhenDisconnected.QUEUE)
			.requestQueueSize(50)
			.keepAlive(true, Duration.ofSeconds(10), Duration.ofSeconds(2), 5)
			.build()
			.applyTo(builder);
		ClusterClientOptions options = builder.build();
		assertThat(options.getSocketOptions().getConnectTimeout()).isEqualTo(Duration.ofMillis(300));
		assertThat(options.getTopologyRefreshOptions().getRefreshPeriod()).isEqualTo(Duration.ofSeconds(30));
		assertThat(options.getTopologyRefreshOptions().getAdaptiveRefreshTimeout()).isEqualTo(Duration.ofMillis(500));
		assertThat(options.getDisconnectedBehavior()).isEqualTo(DisconnectedBehavior.ACCEPT_COMMANDS);
		assertThat(options.getRequestQueueSize()).isEqualTo(50);
		assertThat(options.getSocketOptions().getKeepAlive().getCount()).isEqualTo(5);
	}

	@Test
	void withoutRefreshTuningTheClientsOwnRefreshOptionsStay() {
		ClusterTopologyRefreshOptions own = ClusterTopologyRefreshOptions.builder()
			.enablePeriodicRefresh(Duration.ofMinutes(9))
			.build();
		ClusterClientOptions.Builder builder = ClusterClientOptions.builder().topologyRefreshOptions(own);
		FailoverTuning.builder().topologyRefresh(false).build().applyTo(builder);
		assertThat(builder.build().getTopologyRefreshOptions()).isSameAs(own);
	}

	@Test
	void standaloneOptionsGetSocketSettingsOnly() {
		ClientOptions.Builder builder = ClientOptions.builder();
		FailoverTuning.defaults().applyTo(builder);
		assertThat(builder.build().getSocketOptions().getConnectTimeout()).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void rejectsZeroAndNegativeValuesNamingThem() {
		assertThatIllegalArgumentException().isThrownBy(() -> FailoverTuning.builder().commandTimeout(Duration.ZERO))
			.withMessage("commandTimeout must be positive, was PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> FailoverTuning.builder().requestQueueSize(0))
			.withMessage("requestQueueSize must be at least 1, was 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> FailoverTuning.builder().tcpUserTimeout(Duration.ofSeconds(-1)))
			.withMessageContaining("must not be negative");
	}

}
