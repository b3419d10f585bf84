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
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.slotwise.autoconfigure.monitor.SlotwiseEndpoint.CacheDescriptor;
import dev.slotwise.autoconfigure.monitor.SlotwiseEndpoint.CachesDescriptor;
import dev.slotwise.autoconfigure.monitor.SlotwiseEndpoint.NearDescriptor;
import dev.slotwise.autoconfigure.monitor.SlotwiseEndpoint.NearTrackingDescriptor;
import dev.slotwise.autoconfigure.monitor.SlotwiseEndpoint.RateLimiterDescriptor;
import dev.slotwise.autoconfigure.monitor.SlotwiseEndpoint.ReshardingPlanDescriptor;
import dev.slotwise.autoconfigure.monitor.SlotwiseEndpoint.SlotwiseDescriptor;
import dev.slotwise.autoconfigure.monitor.SlotwiseEndpoint.WriteBufferDescriptor;
import dev.slotwise.buffer.WriteResult.RejectReason;
import dev.slotwise.cache.NearCacheFlush;
import dev.slotwise.hotslot.HotSlotDetector;
import dev.slotwise.hotslot.HotSlotSettings;
import dev.slotwise.monitor.ClusterMonitor;
import dev.slotwise.monitor.ClusterSnapshot;
import dev.slotwise.ratelimit.FailureMode;
import dev.slotwise.ratelimit.RateLimit;
import dev.slotwise.ratelimit.RateLimiter.Outcome;
import dev.slotwise.resharding.ReshardingPlan;
import dev.slotwise.resharding.SlotMigrator;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON of the {@code slotwise} endpoint: its field names are a contract (docs,
 * dashboards), so they are checked here with a mapper that writes nulls, as an
 * application's own mapper may.
 */
class SlotwiseEndpointTests {

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void withTheMonitorOnlyTheReportHasTheClusterAndANoteInsteadOfAPlan() {
		ClusterMonitor monitor = new ClusterMonitor(new LettuceConnectionFactory(), null,
				ClusterMonitor.Settings.defaults(), Clock.systemUTC(), (event) -> {
				});
		Map<String, Object> report = read(new SlotwiseEndpoint(monitor, null, null, null, 16).report());
		assertThat(report).containsOnlyKeys("cluster", "warnings", "unreachableFromHere", "failovers",
				"reshardingPlan");
		assertThat(report.get("reshardingPlan"))
			.isEqualTo(Map.of("note", "no traffic measured: enable slotwise.monitor.hot-slots to get a plan"));
		assertThat(report.get("failovers")).isEqualTo(0);
	}

	@Test
	@SuppressWarnings("unchecked")
	void everySectionKeepsItsFieldNames() {
		ReshardingPlan plan = new ReshardingPlan(
				List.of(new ReshardingPlan.Step(42, 1000, 0.5, "a", "127.0.0.1:7000", "b", "127.0.0.1:7001")),
				Map.of("127.0.0.1:7000", 1000L, "127.0.0.1:7001", 1000L));
		SlotwiseDescriptor descriptor = new SlotwiseDescriptor(ClusterSnapshot.unknown(Instant.EPOCH, "not polled yet"),
				List.of("a warning"), List.of("127.0.0.1:7002"), 1,
				new WriteBufferDescriptor(1, 10, 3, 2, 1, Map.of(RejectReason.EXPIRED, 1L),
						Map.of(RejectReason.OVERFLOW, 2L)),
				new CachesDescriptor(
						Map.of("products", new CacheDescriptor(5, 2, 1, new NearDescriptor(3, 4, 1, 180)), "plain",
								new CacheDescriptor(1, 0, 0, null)),
						new NearTrackingDescriptor("PT0.2S", 9, 1, Map.of(NearCacheFlush.RECONNECT, 1L))),
				new HotSlotDetector(HotSlotSettings.defaults(), null, (event) -> {
				}).snapshot(),
				new RateLimiterDescriptor(Map.of("login", RateLimit.fixedWindow(5, Duration.ofMinutes(1))),
						FailureMode.ALLOW, Map.of(Outcome.ALLOWED, 7L)),
				ReshardingPlanDescriptor.of(plan), new SlotMigrator.Progress(1, 1, 0, 300, null, null));
		Map<String, Object> report = read(descriptor);
		assertThat(report.keySet()).containsExactly("cluster", "warnings", "unreachableFromHere", "failovers",
				"writeBuffer", "caches", "hotSlots", "rateLimiter", "reshardingPlan", "lastReshard");
		Map<String, Object> caches = (Map<String, Object>) report.get("caches");
		assertThat(caches).containsOnlyKeys("caches", "nearCache");
		Map<String, Map<String, Object>> byName = (Map<String, Map<String, Object>>) caches.get("caches");
		assertThat(byName.get("products")).containsOnlyKeys("hits", "misses", "degradedReads", "near")
			.containsEntry("near", Map.of("hits", 3, "misses", 4, "entries", 1, "estimatedBytes", 180));
		assertThat(byName.get("plain")).as("no near section without a near cache")
			.containsOnlyKeys("hits", "misses", "degradedReads");
		assertThat((Map<String, Object>) caches.get("nearCache"))
			.containsOnlyKeys("maxStaleness", "invalidations", "trackingLosses", "flushes")
			.containsEntry("flushes", Map.of("RECONNECT", 1));
		assertThat(report.get("unreachableFromHere")).isEqualTo(List.of("127.0.0.1:7002"));
		assertThat((Map<String, Object>) report.get("writeBuffer"))
			.containsOnlyKeys("pending", "pendingBytes", "buffered", "replayed", "superseded", "dropped", "rejected")
			.containsEntry("dropped", Map.of("EXPIRED", 1))
			.containsEntry("rejected", Map.of("OVERFLOW", 2));
		assertThat((Map<String, Object>) report.get("rateLimiter")).containsOnlyKeys("limits", "failureMode",
				"decisions");
		Map<String, Object> described = (Map<String, Object>) report.get("reshardingPlan");
		assertThat(described).containsOnlyKeys("steps", "loadAfter");
		assertThat((List<Map<String, Object>>) described.get("steps")).singleElement().satisfies((step) -> {
			assertThat(step.keySet()).containsExactly("slot", "commands", "share", "from", "to", "redisCli",
					"exactCommands");
			assertThat(step).containsEntry("slot", 42)
				.containsEntry("from", "127.0.0.1:7000")
				.containsEntry("to", "127.0.0.1:7001");
		});
		assertThat((Map<String, Object>) report.get("lastReshard")).containsEntry("keysMoved", 300);
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> read(Object report) {
		return this.json.readValue(this.json.writeValueAsString(report), Map.class);
	}

}
