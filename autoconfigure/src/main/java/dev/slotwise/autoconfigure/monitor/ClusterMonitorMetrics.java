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

import java.util.List;
import java.util.function.ToDoubleFunction;

import dev.slotwise.monitor.ClusterMonitor;
import dev.slotwise.monitor.ClusterSnapshot;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Meters of the cluster as the {@link ClusterMonitor} last saw it. Gauges read the latest
 * snapshot; per-replica lag is a multi-gauge refreshed after each poll, tagged by the
 * replica's address (bounded by the number of nodes).
 */
public class ClusterMonitorMetrics implements MeterBinder {

	private final ClusterMonitor monitor;

	/**
	 * Create the binder.
	 * @param monitor the monitor
	 */
	public ClusterMonitorMetrics(ClusterMonitor monitor) {
		this.monitor = monitor;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("slotwise.cluster.state", this.monitor, (m) -> m.snapshot().isUp() ? 1 : 0)
			.description("1 when cluster_state is ok with every slot assigned, 0 otherwise")
			.register(registry);
		slots(registry, "ok", ClusterSnapshot::slotsOk);
		slots(registry, "pfail", ClusterSnapshot::slotsPfail);
		slots(registry, "fail", ClusterSnapshot::slotsFail);
		slots(registry, "unassigned", ClusterSnapshot::slotsUnassigned);
		Gauge.builder("slotwise.cluster.nodes", this.monitor, (m) -> m.snapshot().masters().size())
			.description("Nodes by role")
			.tag("role", "master")
			.baseUnit("nodes")
			.register(registry);
		Gauge.builder("slotwise.cluster.nodes", this.monitor, (m) -> m.snapshot().replicas().size())
			.description("Nodes by role")
			.tag("role", "replica")
			.baseUnit("nodes")
			.register(registry);
		Gauge
			.builder("slotwise.cluster.nodes.unreachable", this.monitor,
					(m) -> m.snapshot().unreachableFromHere().size())
			.description("Masters the cluster sees as healthy that this instance cannot reach")
			.baseUnit("nodes")
			.register(registry);
		FunctionCounter.builder("slotwise.cluster.failovers", this.monitor, ClusterMonitor::failovers)
			.description("Failovers seen: a replica took over its master's slots")
			.register(registry);
		FunctionCounter.builder("slotwise.cluster.client.refreshes", this.monitor, ClusterMonitor::clientRefreshes)
			.description("Topology refreshes of the client, asked for by the monitor because the client routed "
					+ "slots to another node than the cluster")
			.register(registry);
		MultiGauge lag = MultiGauge.builder("slotwise.cluster.replication.lag")
			.description("Bytes of the replication stream a replica has not acknowledged")
			.baseUnit(BaseUnits.BYTES)
			.register(registry);
		MultiGauge lastAck = MultiGauge.builder("slotwise.cluster.replication.last.ack")
			.description("Seconds since a replica last acknowledged its master")
			.baseUnit("seconds")
			.register(registry);
		this.monitor.addPollListener((snapshot) -> {
			List<ClusterSnapshot.Replica> replicas = snapshot.replicas();
			lag.register(replicas.stream()
				.filter((replica) -> replica.lagBytes() >= 0)
				.map((replica) -> MultiGauge.Row.of(Tags.of("replica", replica.address()), replica.lagBytes()))
				.toList(), true);
			lastAck.register(replicas.stream()
				.filter((replica) -> replica.lastAck() != null)
				.map((replica) -> MultiGauge.Row.of(Tags.of("replica", replica.address()),
						replica.lastAck().toMillis() / 1000.0))
				.toList(), true);
		});
	}

	private void slots(MeterRegistry registry, String state, ToDoubleFunction<ClusterSnapshot> count) {
		Gauge.builder("slotwise.cluster.slots", this.monitor, (m) -> count.applyAsDouble(m.snapshot()))
			.description("Slots by state, as CLUSTER INFO reports them")
			.tag("state", state)
			.baseUnit("slots")
			.register(registry);
	}

}
