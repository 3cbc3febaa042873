/* The crypto suites' shared session (crypto.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "crypto.h"
#include "vc/devtypes/admin.h"

const char *crypto_status_name(unsigned status)
{
	static const char *const names[] = { "OK", "ERR", "BADMSG", "NOTSUPP", "INVSESS", "NOSPC", "KEY_REJECTED" };

	return status < sizeof(names) / sizeof(names[0]) ? names[status] : "undefined";
}

static bool open_with(struct vc_ctx *c, struct vc_crypto *cr, uint64_t need, uint64_t want, struct vc_admin *admin);

bool crypto_open(struct vc_ctx *c, struct vc_crypto *cr, uint64_t need, uint64_t want)
{
	return open_with(c, cr, need, want, NULL);
}

bool crypto_open_admin(struct vc_ctx *c, struct vc_crypto *cr, uint64_t need, uint64_t want, struct vc_admin *admin)
{
	return open_with(c, cr, need | DS_F(VIRTIO_F_ADMIN_VQ), want, admin);
}

static bool open_with(struct vc_ctx *c, struct vc_crypto *cr, uint64_t need, uint64_t want, struct vc_admin *admin)
{
	uint64_t dataq;
	int rc;

	memset(cr, 0, sizeof(*cr));
	if (!ds_open(c, &cr->d, need, want | DS_F(VIRTIO_CRYPTO_F_REVISION_1), 0, true) ||
	    !ds_cfg_read(c, &cr->d, 4, 4, &dataq))
		return false;
	if (dataq < 1 || dataq >= VC_DEV_MAX_QUEUES) {
		vc_skip(c, "max_dataqueues is %llu: no control queue the harness can reach (crypto.config.max-dataqueues "
			   "reports it)", (unsigned long long)dataq);
		return false;
	}
	cr->ctrlq = (unsigned)dataq;
	cr->rev1 = vc_negotiated(&cr->d.drv, VIRTIO_CRYPTO_F_REVISION_1);
	if (!ds_ok(c, vc_crypto_config_read(&cr->d, &cr->cfg), "reading the configuration failed"))
		return false;
	if (!(cr->cfg.status & VIRTIO_CRYPTO_S_HW_READY)) {
		vc_skip(c, "VIRTIO_CRYPTO_S_HW_READY is clear: a driver sends no request then");
		return false;
	}
	if (!admin)
		return ds_ok(c, vc_dev_queues(&cr->d, DS_Q(0) | DS_Q(cr->ctrlq), false), "setting up the queues failed");
	if (!ds_ok(c, vc_dev_queues(&cr->d, DS_Q(0) | DS_Q(cr->ctrlq), true), "setting up the queues failed"))
		return false;
	if ((rc = vc_admin_setup(admin, &cr->d.drv)) == -ENOENT) {
		vc_skip(c, "the device names no usable administration queue (pci.common.admin-queue-* report it)");
		return false;
	}
	return ds_ok(c, rc, "setting up the administration queue failed") && ds_driver_ok(c, &cr->d);
}

bool crypto_need(struct vc_ctx *c, const struct vc_crypto *cr, unsigned service, unsigned algo, const char *what)
{
	uint64_t mask = service == VIRTIO_CRYPTO_SERVICE_CIPHER ? cr->cfg.cipher_algo
			: service == VIRTIO_CRYPTO_SERVICE_HASH ? cr->cfg.hash_algo
			: service == VIRTIO_CRYPTO_SERVICE_MAC ? cr->cfg.mac_algo
			: service == VIRTIO_CRYPTO_SERVICE_AEAD ? cr->cfg.aead_algo : cr->cfg.akcipher_algo;

	if (!(cr->cfg.services >> service & 1))
		vc_skip(c, "the device does not offer the service %s needs (crypto_services 0x%x)", what, cr->cfg.services);
	else if (algo < 64 && !(mask >> algo & 1))
		vc_skip(c, "the device does not offer the algorithm %s needs (mask 0x%llx)", what, (unsigned long long)mask);
	else
		return true;
	return false;
}

bool crypto_session(struct vc_ctx *c, struct vc_crypto *cr, unsigned service, uint32_t algo, const uint8_t *flf,
		    uint32_t flf_len, const void *vlf, uint32_t vlf_len, uint64_t *session, const char *what)
{
	uint32_t status;
	int rc = vc_crypto_create(cr, service, algo, flf, flf_len, vlf, vlf_len, session, &status, c->dev->timeout_ms);

	if (rc == -ETIMEDOUT) {
		vc_fail(c, "the device never answered the request to create %s", what);
		vc_observed(c, "no used element within %u ms", c->dev->timeout_ms);
		vc_expected(c, "the session created");
		return false;
	}
	if (!ds_ok(c, rc, "sending a control request failed"))
		return false;
	if (status == VIRTIO_CRYPTO_OK)
		return true;
	vc_fail(c, "%s could not be created", what);
	vc_observed(c, "status %u (%s)", status, crypto_status_name(status));
	vc_expected(c, "OK: the service and algorithm are advertised");
	return false;
}

bool crypto_data(struct vc_ctx *c, struct vc_crypto *cr, uint32_t opcode, uint32_t algo, uint64_t session,
		 uint32_t flag, const uint8_t *flf, uint32_t flf_len, const struct vc_iov *vlf, unsigned nvlf,
		 uint8_t *status, const char *what)
{
	int rc = vc_crypto_data(cr, opcode, algo, session, flag, flf, flf_len, vlf, nvlf, status, c->dev->timeout_ms);

	if (rc == -ETIMEDOUT) {
		vc_fail(c, "the device never answered the %s", what);
		vc_observed(c, "no used element within %u ms", c->dev->timeout_ms);
		vc_expected(c, "the request answered");
		return false;
	}
	return ds_ok(c, rc, "sending a data request failed");
}

bool crypto_status(struct vc_ctx *c, uint8_t status, uint8_t want, const char *what)
{
	if (status == want)
		return true;
	vc_fail(c, "the %s came back with status %u (%s)", what, status, crypto_status_name(status));
	vc_observed(c, "status %u", status);
	vc_expected(c, "%u (%s)", want, crypto_status_name(want));
	return false;
}

bool crypto_same(struct vc_ctx *c, const uint8_t *got, const uint8_t *want, unsigned len, const char *what)
{
	for (unsigned i = 0; i < len; i++) {
		if (got[i] == want[i])
			continue;
		vc_fail(c, "%s is not the known answer", what);
		vc_observed(c, "byte %u: 0x%02x (%02x%02x%02x%02x... from byte %u)", i, got[i], got[i],
			    i + 1 < len ? got[i + 1] : 0, i + 2 < len ? got[i + 2] : 0, i + 3 < len ? got[i + 3] : 0, i);
		vc_expected(c, "0x%02x (%02x%02x%02x%02x...)", want[i], want[i], i + 1 < len ? want[i + 1] : 0,
			    i + 2 < len ? want[i + 2] : 0, i + 3 < len ? want[i + 3] : 0);
		return false;
	}
	return true;
}
