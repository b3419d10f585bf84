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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.slotwise.monitor.ClusterMonitor;
import dev.slotwise.monitor.ClusterSnapshot;
import dev.slotwise.monitor.ClusterSnapshot.Master;
import dev.slotwise.monitor.ClusterSnapshot.Replica;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the Redis Cluster from the {@link ClusterMonitor}'s latest snapshot; it never
 * queries the cluster itself.
 * <ul>
 * <li>{@code DOWN} when {@code cluster_state} is {@code fail}, slots are unassigned, or
 * no node answered the last polls;</li>
 * <li>{@code UP} with a {@code warnings} detail when slots are in {@code pfail} or
 * {@code fail} (a failover is under way), a master has no replica or no replica in sync,
 * or a replica lags past its threshold;</li>
 * <li>{@code UP} with an {@code unreachableFromHere} detail (and a warning) when the
 * cluster is fine but this instance cannot reach some of its masters
 * ({@link ClusterSnapshot#unreachableFromHere()}): the cluster's nodes see them healthy,
 * so no failover will come; this instance fails their slots fast (reads degrade, writes
 * are buffered) and keeps serving every other slot. The status stays {@code UP} on
 * purpose: the cluster is not down, other instances serve those keys, and a custom status
 * would become the whole application's status unless every operator added it to
 * {@code management.endpoint.health.status.order} (Spring Boot ranks a status it does not
 * know above {@code DOWN});</li>
 * <li>{@code UNKNOWN} before the first poll.</li>
 * </ul>
 * Details name nodes by address only; no credential is ever included.
 */
public class ClusterHealthIndicator extends AbstractHealthIndicator {

	private final ClusterMonitor monitor;

	/**
	 * Create the indicator.
	 * @param monitor the monitor whose snapshot it reads
	 */
	public ClusterHealthIndicator(ClusterMonitor monitor) {
		super("Redis Cluster health check failed");
		this.monitor = monitor;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		ClusterSnapshot snapshot = this.monitor.snapshot();
		if (snapshot.isUnknown()) {
			(ClusterSnapshot.NOT_POLLED.equals(snapshot.error()) ? builder.unknown() : builder.down())
				.withDetail("error", String.valueOf(snapshot.error()));
			return;
		}
		(snapshot.isUp() ? builder.up() : builder.down()).withDetail("state", snapshot.state())
			.withDetail("slotsAssigned", snapshot.slotsAssigned())
			.withDetail("slotsOk", snapshot.slotsOk())
			.withDetail("slotsPfail", snapshot.slotsPfail())
			.withDetail("slotsFail", snapshot.slotsFail())
			.withDetail("knownNodes", snapshot.knownNodes())
			.withDetail("size", snapshot.size())
			.withDetail("currentEpoch", snapshot.currentEpoch())
			.withDetail("masters", snapshot.masters().stream().map(ClusterHealthIndicator::describe).toList());
		List<Master> unreachable = snapshot.unreachableFromHere();
		if (!unreachable.isEmpty()) {
			builder.withDetail("unreachableFromHere", unreachable.stream().map(Master::address).toList());
		}
		List<String> warnings = warnings(snapshot);
		if (!warnings.isEmpty()) {
			builder.withDetail("warnings", warnings);
		}
	}

	static List<String> warnings(ClusterSnapshot snapshot) {
		List<String> warnings = new ArrayList<>();
		if (snapshot.slotsPfail() > 0 || snapshot.slotsFail() > 0) {
			warnings.add(snapshot.slotsPfail() + " slot(s) pfail and " + snapshot.slotsFail()
					+ " slot(s) fail: a master is unreachable and a failover may be under way");
		}
		for (Master master : snapshot.unreachableFromHere()) {
			warnings.add("master " + master.address() + " cannot be reached from this instance, though the cluster "
					+ "sees it healthy: the network between them is broken, no failover will come, and its "
					+ master.slotCount() + " slot(s) fail fast here");
		}
		for (Master master : snapshot.masters()) {
			if (master.slots().isEmpty()) {
				continue;
			}
			if (master.replicas().isEmpty()) {
				warnings.add("master " + master.address() + " has no replica: its slots go down with it");
			}
			else if (master.replicas().stream().allMatch(Replica::lagging)) {
				warnings.add("master " + master.address() + " has no replica in sync");
			}
			for (Replica replica : master.replicas()) {
				if (replica.lagging()) {
					warnings.add("replica " + replica.address() + " of " + master.address() + " lags: "
							+ (replica.online() ? "" : "offline, ") + replica.lagBytes() + " bytes behind, last ack "
							+ ((replica.lastAck() != null) ? replica.lastAck().toSeconds() + " s ago" : "unknown"));
				}
			}
		}
		return warnings;
	}

	private static Map<String, Object> describe(Master master) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("address", master.address());
		details.put("flags", master.flags());
		details.put("reachable", master.reachable());
		details.put("slots", master.slots().stream().map(Object::toString).toList());
		details.put("replicas", master.replicas().stream().map((replica) -> {
			Map<String, Object> replicaDetails = new LinkedHashMap<>();
			replicaDetails.put("address", replica.address());
			replicaDetails.put("online", replica.online());
			replicaDetails.put("lagBytes", replica.lagBytes());
			replicaDetails.put("lastAckSeconds", (replica.lastAck() != null) ? replica.lastAck().toSeconds() : -1);
			replicaDetails.put("lagging", replica.lagging());
			return replicaDetails;
		}).toList());
		return details;
	}

}
