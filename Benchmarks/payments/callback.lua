-- wrk script: the operator's callback for a request already paid (CALLBACK_ID, the request's id), as the simulator
-- sends it — PUT /payments/callback?secret=CALLBACK_SECRET with {"externalId", "status": "SUCCESSFUL"}: the duplicate
-- callback path (the request is read, nothing is asked of the operator, nothing written). 200 is the expected answer.
wrk.method = "PUT"
wrk.path = "/payments/callback?secret=" .. os.getenv("CALLBACK_SECRET")
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"externalId": "%s", "status": "SUCCESSFUL", "financialTransactionId": "123456789"}', os.getenv("CALLBACK_ID"))
