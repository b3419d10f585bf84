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

package dev.slotwise.test;

import java.time.Duration;

/**
 * The network between this JVM's clients and one node of a {@link LocalRedisCluster}
 * started with {@link LocalRedisCluster.Builder#networkFaults(boolean) networkFaults}: a
 * TCP proxy that every client connection to the node passes through, and that a test can
 * make misbehave while the node itself stays healthy (so the cluster sees no failure and
 * no failover comes).
 *
 * <pre class="code">
 * NodeNetwork network = cluster.network(cluster.masterForKey("user:{42}:cart"));
 * network.blackhole();   // connections stay open, nothing arrives
 * // ... assert how the application copes ...
 * network.heal();        // or cluster.heal()
 * </pre>
 *
 * <p>
 * Each call takes effect on every open connection and every new one before it returns.
 * {@link #cut()}, {@link #blackhole()} and {@link #halfOpen()} replace one another;
 * {@link #delay delays} and {@link #bandwidth bandwidth limits} add to them. Faults hit
 * client connections only: a replica's replication link to this node, which also passes
 * through the proxy (replicas connect to the announced port), is recognised by its first
 * commands ({@code REPLCONF}, {@code PSYNC}) and left alone unless
 * {@link #includingReplication()} says otherwise. A connection is taken for a client
 * until it shows otherwise, so a replica that (re)connects while a fault lasts is hit by
 * it until its handshake gets through; an established replication link, which is what a
 * client-only fault leaves alone, has no reason to reconnect. The cluster bus never
 * passes through the proxy.
 */
public final class NodeNetwork {

	private final ClusterNode node;

	private final NodeProxy proxy;

	NodeNetwork(ClusterNode node, NodeProxy proxy) {
		this.node = node;
		this.proxy = proxy;
	}

	/**
	 * The node whose network this is.
	 * @return the node
	 */
	public ClusterNode node() {
		return this.node;
	}

	/**
	 * Close every client connection with a TCP reset and refuse new ones (the proxy stops
	 * listening), like a firewall that rejects. Clients see "connection reset" and then
	 * "connection refused". A replica's established link stays up; a replica that
	 * reconnects while the cut lasts is refused too.
	 * @return this network
	 */
	public NodeNetwork cut() {
		this.proxy.change((faults) -> faults.withMode(NodeProxy.Mode.CUT));
		return this;
	}

	/**
	 * Accept connections but forward nothing, either way, like a firewall that drops
	 * packets: no reset, no error, commands just never answer. Bytes are held, not
	 * discarded, as TCP retransmits them: after {@link #heal()} they arrive in order, so
	 * a client that kept its connection sees its late replies (and no stream out of
	 * step).
	 * @return this network
	 */
	public NodeNetwork blackhole() {
		return blackhole(Direction.BOTH);
	}

	/**
	 * Accept connections but hold the bytes flowing one way (or both), like a route that
	 * drops packets one way only. {@link Direction#REQUESTS}: commands never reach the
	 * node, and replies to the commands it already had still come back.
	 * {@link Direction#REPLIES}: the node runs every command (writes are applied) and the
	 * client hears nothing until {@link #heal()}, which delivers the held replies in
	 * order; unlike {@link #halfOpen()}, which loses them. A TCP reset ends both ways at
	 * once, so {@link #cut()} has no direction.
	 * @param direction which way the bytes are held
	 * @return this network
	 */
	public NodeNetwork blackhole(Direction direction) {
		this.proxy.change((faults) -> faults.withBlackhole(direction));
		return this;
	}

	/**
	 * Forward requests to the node but drop its replies: the node runs every command
	 * (writes are applied) and the client never hears back, like a connection whose
	 * return path died. {@link #heal()} resets every connection that lost a reply, since
	 * its stream can no longer be trusted.
	 * @return this network
	 */
	public NodeNetwork halfOpen() {
		this.proxy.change((faults) -> faults.withMode(NodeProxy.Mode.HALF_OPEN));
		return this;
	}

	/**
	 * Delay every reply by {@code latency}, give or take up to {@code jitter} (uniformly
	 * drawn per read, never reordering bytes), so each round trip grows by about
	 * {@code latency}.
	 * @param latency the added latency
	 * @param jitter the most the latency varies either way
	 * @return this network
	 */
	public NodeNetwork delay(Duration latency, Duration jitter) {
		return delay(Direction.REPLIES, latency, jitter);
	}

	/**
	 * Delay the bytes flowing one or both ways.
	 * @param direction which way
	 * @param latency the added latency
	 * @param jitter the most the latency varies either way
	 * @return this network
	 */
	public NodeNetwork delay(Direction direction, Duration latency, Duration jitter) {
		if (latency.isNegative() || jitter.isNegative()) {
			throw new IllegalArgumentException(
					"latency and jitter must not be negative, not " + latency + " and " + jitter);
		}
		this.proxy.change((faults) -> faults.withDelay(direction, latency.toNanos(), jitter.toNanos()));
		return this;
	}

	/**
	 * Limit each connection to {@code bytesPerSecond} each way.
	 * @param bytesPerSecond the limit, at least 1
	 * @return this network
	 */
	public NodeNetwork bandwidth(long bytesPerSecond) {
		return bandwidth(Direction.BOTH, bytesPerSecond);
	}

	/**
	 * Limit each connection's bytes flowing one or both ways.
	 * @param direction which way
	 * @param bytesPerSecond the limit, at least 1
	 * @return this network
	 */
	public NodeNetwork bandwidth(Direction direction, long bytesPerSecond) {
		if (bytesPerSecond < 1) {
			throw new IllegalArgumentException("bytesPerSecond must be at least 1, not " + bytesPerSecond);
		}
		this.proxy.change((faults) -> faults.withBandwidth(direction, bytesPerSecond));
		return this;
	}

	/**
	 * Let the faults set on this network hit replicas' replication links to this node as
	 * well, until {@link #heal()}. Replicas then lag or lose their link; the cluster bus
	 * still runs, so no failover comes from it.
	 * @return this network
	 */
	public NodeNetwork includingReplication() {
		this.proxy.change(NodeProxy.Faults::withReplication);
		return this;
	}

	/**
	 * Remove every fault: listen again after {@link #cut()}, deliver what
	 * {@link #blackhole()} held, reset the connections that {@link #halfOpen()} robbed of
	 * replies, and stop delaying and limiting.
	 * @return this network
	 */
	public NodeNetwork heal() {
		this.proxy.heal();
		return this;
	}

	@Override
	public String toString() {
		return "NodeNetwork(" + this.node + ": " + this.proxy.faults() + ")";
	}

	/**
	 * Which way bytes flow.
	 */
	public enum Direction {

		/** From the client to the node. */
		REQUESTS,

		/** From the node to the client. */
		REPLIES,

		/** Both ways. */
		BOTH

	}

}
