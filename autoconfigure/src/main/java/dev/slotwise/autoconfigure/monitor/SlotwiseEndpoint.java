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

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.slotwise.buffer.WriteBuffer;
import dev.slotwise.hotslot.HotSlotDetector;
import dev.slotwise.monitor.ClusterMonitor;
import dev.slotwise.monitor.ClusterSnapshot;
import dev.slotwise.ratelimit.RateLimiter;
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
		this.hotSlots = hotSlots;
		this.rateLimiter = rateLimiter;
		this.monitor = monitor;
		this.writeBuffer = writeBuffer;
		this.slotTraffic = slotTraffic;
		this.migrator = migrator;
		this.maxPlanSteps = maxPlanSteps;
	}

	/**
	 * The cluster, the write buffer and the resharding plan.
	 * @return the report
	 */
	@ReadOperation
	public Map<String, Object> report() {
		ClusterSnapshot snapshot = this.monitor.snapshot();
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("cluster", snapshot);
		report.put("warnings", ClusterHealthIndicator.warnings(snapshot));
		report.put("failovers", this.monitor.failovers());
		WriteBuffer buffer = this.writeBuffer;
		if (buffer != null) {
			Map<String, Object> summary = new LinkedHashMap<>();
			summary.put("pending", buffer.pending());
			summary.put("pendingBytes", buffer.pendingBytes());
			summary.put("buffered", buffer.bufferedTotal());
			summary.put("replayed", buffer.replayed());
			summary.put("superseded", buffer.superseded());
			summary.put("dropped", buffer.dropped());
			summary.put("rejected", buffer.rejected());
			report.put("writeBuffer", summary);
		}
		if (this.hotSlots != null) {
			report.put("hotSlots", this.hotSlots.snapshot());
		}
		RateLimiter limiter = this.rateLimiter;
		if (limiter != null) {
			Map<String, Object> summary = new LinkedHashMap<>();
			summary.put("limits", limiter.limits());
			summary.put("failureMode", limiter.failureMode());
			summary.put("decisions", limiter.decisions());
			report.put("rateLimiter", summary);
		}
		report.put("reshardingPlan", (this.slotTraffic != null) ? describe(plan(snapshot, this.slotTraffic))
				: Map.of("note", "no traffic measured: enable slotwise.monitor.hot-slots to get a plan"));
		if (this.lastReshard != null) {
			report.put("lastReshard", this.lastReshard);
		}
		return report;
	}

	private ReshardingPlan plan(ClusterSnapshot snapshot, SlotTraffic load) {
		return ReshardingAdvisor.plan(snapshot, load, this.maxPlanSteps);
	}

	private static Map<String, Object> describe(ReshardingPlan plan) {
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("steps", plan.steps().stream().map((step) -> {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("slot", step.slot());
			details.put("commands", step.commands());
			details.put("share", step.share());
			details.put("from", step.fromAddress());
			details.put("to", step.toAddress());
			details.put("redisCli", step.redisCliCommand());
			details.put("exactCommands", step.exactCommands());
			return details;
		}).toList());
		described.put("loadAfter", plan.loadAfter());
		return described;
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

}
