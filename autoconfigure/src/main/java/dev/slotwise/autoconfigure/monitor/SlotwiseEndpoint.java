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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.slotwise.buffer.WriteBuffer;
import dev.slotwise.buffer.WriteResult.RejectReason;
import dev.slotwise.cache.ClusterCache;
import dev.slotwise.cache.ClusterCacheManager;
import dev.slotwise.cache.NearCacheFlush;
import dev.slotwise.cache.NearCacheTracker;
import dev.slotwise.hotslot.HotSlotDetector;
import dev.slotwise.hotslot.HotSlotSnapshot;
import dev.slotwise.monitor.ClusterMonitor;
import dev.slotwise.monitor.ClusterSnapshot;
import dev.slotwise.ratelimit.FailureMode;
import dev.slotwise.ratelimit.RateLimit;
import dev.slotwise.ratelimit.RateLimiter;
import dev.slotwise.ratelimit.RateLimiter.Outcome;
import dev.slotwise.resharding.ReshardingAdvisor;
import dev.slotwise.resharding.ReshardingPlan;
import dev.slotwise.resharding.SlotMigrator;
import dev.slotwise.resharding.SlotTraffic;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code slotwise} actuator endpoint. Reading it shows the cluster as the monitor
 * last saw it (topology, state, replication lag), the write buffer, and a resharding plan
 * when a {@link SlotTraffic} is known. Writing to it executes the plan (migrates slots
 * live); that operation is off unless {@code slotwise.monitor.endpoint.reshard-enabled}
 * is set, and it is secured like any actuator write operation.
 */
@Endpoint(id = "slotwise", defaultAccess = Access.READ_ONLY)
public class SlotwiseEndpoint {

	private final ClusterMonitor monitor;

	private final @Nullable WriteBuffer writeBuffer;

	private final @Nullable SlotTraffic slotTraffic;

	private final @Nullable SlotMigrator migrator;

	private final int maxPlanSteps;

	private final @Nullable HotSlotDetector hotSlots;

	private final @Nullable RateLimiter rateLimiter;

	private final @Nullable ClusterCacheManager cacheManager;

	private final @Nullable NearCacheTracker nearCacheTracker;

	private final AtomicBoolean resharding = new AtomicBoolean();

	private volatile SlotMigrator.@Nullable Progress lastReshard;

	/**
	 * Create the endpoint.
	 * @param monitor the cluster monitor
	 * @param writeBuffer the write buffer, or {@code null}
	 * @param slotTraffic traffic per slot, or {@code null} when not measured
	 * @param migrator the migrator, or {@code null} when resharding is off
	 * @param maxPlanSteps the most slots a plan moves
	 */
	public SlotwiseEndpoint(ClusterMonitor monitor, @Nullable WriteBuffer writeBuffer,
			@Nullable SlotTraffic slotTraffic, @Nullable SlotMigrator migrator, int maxPlanSteps) {
		this(monitor, writeBuffer, slotTraffic, migrator, maxPlanSteps, null, null);
	}

	/**
	 * Create the endpoint with the hot-slot detector and the rate limiter.
	 * @param monitor the cluster monitor
	 * @param writeBuffer the write buffer, or {@code null}
	 * @param slotTraffic traffic per slot, or {@code null} when not measured
	 * @param migrator the migrator, or {@code null} when resharding is off
	 * @param maxPlanSteps the most slots a plan moves
	 * @param hotSlots the hot-slot detector, or {@code null}
	 * @param rateLimiter the rate limiter, or {@code null}
	 */
	public SlotwiseEndpoint(ClusterMonitor monitor, @Nullable WriteBuffer writeBuffer,
			@Nullable SlotTraffic slotTraffic, @Nullable SlotMigrator migrator, int maxPlanSteps,
			@Nullable HotSlotDetector hotSlots, @Nullable RateLimiter rateLimiter) {
		this(monitor, writeBuffer, slotTraffic, migrator, maxPlanSteps, hotSlots, rateLimiter, null, null);
	}

	/**
	 * Create the endpoint with the hot-slot detector, the rate limiter and the caches.
	 * @param monitor the cluster monitor
	 * @param writeBuffer the write buffer, or {@code null}
	 * @param slotTraffic traffic per slot, or {@code null} when not measured
	 * @param migrator the migrator, or {@code null} when resharding is off
	 * @param maxPlanSteps the most slots a plan moves
	 * @param hotSlots the hot-slot detector, or {@code null}
	 * @param rateLimiter the rate limiter, or {@code null}
	 * @param cacheManager the caches, or {@code null}
	 * @param nearCacheTracker the near caches' tracker, or {@code null} when no cache
	 * keeps a near cache
	 */
	public SlotwiseEndpoint(ClusterMonitor monitor, @Nullable WriteBuffer writeBuffer,
			@Nullable SlotTraffic slotTraffic, @Nullable SlotMigrator migrator, int maxPlanSteps,
			@Nullable HotSlotDetector hotSlots, @Nullable RateLimiter rateLimiter,
			@Nullable ClusterCacheManager cacheManager, @Nullable NearCacheTracker nearCacheTracker) {
		this.cacheManager = cacheManager;
		this.nearCacheTracker = nearCacheTracker;
		this.hotSlots = hotSlots;
		this.rateLimiter = rateLimiter;
		this.monitor = monitor;
		this.writeBuffer = writeBuffer;
		this.slotTraffic = slotTraffic;
		this.migrator = migrator;
		this.maxPlanSteps = maxPlanSteps;
	}

	/**
	 * The cluster, the write buffer, the caches, hot slots, the rate limiter and the
	 * resharding plan.
	 * @return the report
	 */
	@ReadOperation
	public SlotwiseDescriptor report() {
		ClusterSnapshot snapshot = this.monitor.snapshot();
		WriteBuffer buffer = this.writeBuffer;
		HotSlotDetector detector = this.hotSlots;
		RateLimiter limiter = this.rateLimiter;
		SlotTraffic traffic = this.slotTraffic;
		return new SlotwiseDescriptor(snapshot, ClusterHealthIndicator.warnings(snapshot),
				snapshot.unreachableFromHere().stream().map(ClusterSnapshot.Master::address).toList(),
				this.monitor.failovers(), (buffer != null) ? WriteBufferDescriptor.of(buffer) : null,
				(this.cacheManager != null) ? CachesDescriptor.of(this.cacheManager, this.nearCacheTracker) : null,
				(detector != null) ? detector.snapshot() : null,
				(limiter != null) ? RateLimiterDescriptor.of(limiter) : null,
				(traffic != null) ? ReshardingPlanDescriptor.of(plan(snapshot, traffic))
						: ReshardingPlanDescriptor
							.note("no traffic measured: enable slotwise.monitor.hot-slots to get a plan"),
				this.lastReshard);
	}

	private ReshardingPlan plan(ClusterSnapshot snapshot, SlotTraffic traffic) {
		return ReshardingAdvisor.plan(snapshot, traffic, this.maxPlanSteps);
	}

	/**
	 * Execute the current resharding plan: migrate its slots live, one by one. Run it
	 * again after an interruption to resume.
	 * @return the progress when it finished
	 */
	@WriteOperation
	public SlotMigrator.Progress reshard() {
		SlotMigrator slotMigrator = this.migrator;
		if (slotMigrator == null) {
			throw new IllegalStateException(
					"Resharding from the endpoint is off. Set slotwise.monitor.endpoint.reshard-enabled=true "
							+ "(and secure the actuator) to allow it.");
		}
		SlotTraffic load = this.slotTraffic;
		if (load == null) {
			throw new IllegalStateException(
					"No traffic is measured, so there is no plan: enable " + "slotwise.monitor.hot-slots.");
		}
		if (!this.resharding.compareAndSet(false, true)) {
			throw new IllegalStateException("A resharding is already running: " + this.lastReshard);
		}
		try {
			ReshardingPlan plan = plan(this.monitor.snapshot(), load);
			return execute(slotMigrator, plan);
		}
		finally {
			this.resharding.set(false);
		}
	}

	SlotMigrator.Progress execute(SlotMigrator slotMigrator, ReshardingPlan plan) {
		SlotMigrator.Progress progress = slotMigrator.execute(plan, (current) -> this.lastReshard = current);
		this.lastReshard = progress;
		this.monitor.poll();
		return progress;
	}

	/**
	 * What reading the endpoint returns. Sections whose capability is off are left out of
	 * the JSON.
	 *
	 * @param cluster the cluster as the monitor last saw it
	 * @param warnings what the health indicator warns about
	 * @param unreachableFromHere the addresses of the masters the cluster sees as healthy
	 * that this instance cannot reach ({@link ClusterSnapshot#unreachableFromHere()})
	 * @param failovers failovers seen since the monitor started
	 * @param writeBuffer the write buffer's counts, or {@code null} without a write
	 * buffer
	 * @param hotSlots the hot-slot detector's last evaluation, or {@code null} without
	 * one
	 * @param rateLimiter the rate limiter's limits and decisions, or {@code null} without
	 * one
	 * @param reshardingPlan the plan for the current traffic, or a note why there is none
	 * @param lastReshard how the last resharding from the endpoint went, or {@code null}
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record SlotwiseDescriptor(ClusterSnapshot cluster, List<String> warnings, List<String> unreachableFromHere,
			long failovers, @Nullable WriteBufferDescriptor writeBuffer, @Nullable CachesDescriptor caches,
			@Nullable HotSlotSnapshot hotSlots, @Nullable RateLimiterDescriptor rateLimiter,
			ReshardingPlanDescriptor reshardingPlan, SlotMigrator.@Nullable Progress lastReshard) {

	}

	/**
	 * The write buffer's counts.
	 *
	 * @param pending writes waiting to be replayed
	 * @param pendingBytes their size in bytes
	 * @param buffered writes buffered since the start
	 * @param replayed writes replayed since the start
	 * @param superseded buffered writes replaced by a later write to the same key
	 * @param dropped buffered writes dropped, by reason
	 * @param rejected writes not accepted, by reason
	 */
	public record WriteBufferDescriptor(int pending, long pendingBytes, long buffered, long replayed, long superseded,
			Map<RejectReason, Long> dropped, Map<RejectReason, Long> rejected) {

		static WriteBufferDescriptor of(WriteBuffer buffer) {
			return new WriteBufferDescriptor(buffer.pending(), buffer.pendingBytes(), buffer.bufferedTotal(),
					buffer.replayed(), buffer.superseded(), buffer.dropped(), buffer.rejected());
		}

	}

	/**
	 * The caches, and the near caches' tracking.
	 *
	 * @param caches each cache's reads, by name
	 * @param nearCache the near caches' tracking, or {@code null} when no cache keeps a
	 * near cache
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record CachesDescriptor(Map<String, CacheDescriptor> caches, @Nullable NearTrackingDescriptor nearCache) {

		static CachesDescriptor of(ClusterCacheManager cacheManager, @Nullable NearCacheTracker tracker) {
			List<ClusterCache> all = new ArrayList<>();
			cacheManager.forEachCache(all::add);
			Map<String, CacheDescriptor> caches = new TreeMap<>();
			all.forEach((cache) -> caches.put(cache.getName(), CacheDescriptor.of(cache)));
			return new CachesDescriptor(caches, (tracker != null) ? NearTrackingDescriptor.of(tracker) : null);
		}

	}

	/**
	 * One cache's reads.
	 *
	 * @param hits reads that found a value
	 * @param misses reads that found none
	 * @param degradedReads reads of failing slots answered without Redis
	 * @param near its near cache, or {@code null} when it keeps none
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record CacheDescriptor(long hits, long misses, long degradedReads, @Nullable NearDescriptor near) {

		static CacheDescriptor of(ClusterCache cache) {
			return new CacheDescriptor(cache.hits(), cache.misses(), cache.degradedReads(),
					cache.hasNearCache() ? new NearDescriptor(cache.nearHits(), cache.nearMisses(), cache.nearSize(),
							cache.nearEstimatedBytes()) : null);
		}

	}

	/**
	 * One cache's near cache.
	 *
	 * @param hits reads answered from memory
	 * @param misses reads that found no fresh copy and went to Redis
	 * @param entries copies held now
	 * @param estimatedBytes what they take, estimated from their keys and serialized
	 * values
	 */
	public record NearDescriptor(long hits, long misses, long entries, long estimatedBytes) {

	}

	/**
	 * The near caches' tracking, shared by every near cache.
	 *
	 * @param maxStaleness how long after its acknowledgement a write may be unseen
	 * @param invalidations invalidations received (keys, and flushes)
	 * @param trackingLosses times a master's tracking was lost or lapsed
	 * @param flushes times a master's copies stopped being fresh at once, by cause
	 */
	public record NearTrackingDescriptor(String maxStaleness, long invalidations, long trackingLosses,
			Map<NearCacheFlush, Long> flushes) {

		static NearTrackingDescriptor of(NearCacheTracker tracker) {
			return new NearTrackingDescriptor(tracker.maxStaleness().toString(), tracker.invalidations(),
					tracker.trackingLosses(), tracker.flushes());
		}

	}

	/**
	 * The rate limiter's limits and decisions.
	 *
	 * @param limits the named limits
	 * @param failureMode what it decides when Redis does not answer
	 * @param decisions decisions since the start, by outcome
	 */
	public record RateLimiterDescriptor(Map<String, RateLimit> limits, FailureMode failureMode,
			Map<Outcome, Long> decisions) {

		static RateLimiterDescriptor of(RateLimiter limiter) {
			return new RateLimiterDescriptor(limiter.limits(), limiter.failureMode(), limiter.decisions());
		}

	}

	/**
	 * A resharding plan, or a note that says why there is none.
	 *
	 * @param steps the slots to move, or {@code null} with a note
	 * @param loadAfter each master's load (commands over the window) after the plan, by
	 * address, or {@code null} with a note
	 * @param note why there is no plan, or {@code null} with a plan
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record ReshardingPlanDescriptor(@Nullable List<ReshardingStepDescriptor> steps,
			@Nullable Map<String, Long> loadAfter, @Nullable String note) {

		static ReshardingPlanDescriptor of(ReshardingPlan plan) {
			return new ReshardingPlanDescriptor(plan.steps().stream().map(ReshardingStepDescriptor::of).toList(),
					plan.loadAfter(), null);
		}

		static ReshardingPlanDescriptor note(String note) {
			return new ReshardingPlanDescriptor(null, null, note);
		}

	}

	/**
	 * One slot to move.
	 *
	 * @param slot the slot
	 * @param commands commands it received over the window
	 * @param share its share of all commands
	 * @param from the address of the master that serves it
	 * @param to the address of the master to move it to
	 * @param redisCli the {@code redis-cli --cluster reshard} command that moves one slot
	 * between these masters
	 * @param exactCommands the commands that move exactly this slot, in order
	 */
	public record ReshardingStepDescriptor(int slot, long commands, double share, String from, String to,
			String redisCli, List<String> exactCommands) {

		static ReshardingStepDescriptor of(ReshardingPlan.Step step) {
			return new ReshardingStepDescriptor(step.slot(), step.commands(), step.share(), step.fromAddress(),
					step.toAddress(), step.redisCliCommand(), step.exactCommands());
		}

	}

}
