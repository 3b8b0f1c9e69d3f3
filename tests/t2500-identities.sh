#!/bin/sh
# The shop's own identities: the --columns of crm(7) in crm-segment,
# crm-rfm and crm-playbook run, customer lists naming customers by
# account, phone or e-mail, and the chat channel of a run.
test_description='identities as columns and in lists'
. "$(dirname "$0")/test-lib.sh"

# tests/data/identities-orders.csv, as of 2024-12-31:
#   1 Wen  shopee wen_0529, phone masked, no e-mail: W1 10-01 500,
#          W2 12-01 2 x 300 with 1 returned (net 300)
#   2 Mei  shopee meimei_tw 0922333444 mei@example.com: M1 10-01 800;
#          qdm M0011 with the same phone and e-mail: M2 11-15 1200;
#          momo by the same phone (+886 form): M3 12-10 cancelled
#   3 Kai  momo, phone 0955123456 only: K1 12-25 300
#   4 Lin  qdm M0020, lin@example.com: L1 12-20 1200
test_expect_success 'the store' '
	crm-import --db i.db -q "$DATA/identities-orders.csv"
'

seg() {
	crm-segment --db i.db --as-of 2024-12-31 "$@"
}

# By hand: Mei bought on shopee and qdm (her momo order was cancelled);
# Wen's masked phone is no phone.
test_expect_success 'plain and the identity columns' '
	cat >expect <<-\EOF &&
	customer_id,name,account,phone,email,channels,first_channel,phone_intl,chat_account,accounts
	1,Wen,shopee:wen_0529,,,shopee,shopee,,shopee:wen_0529,shopee:wen_0529
	2,Mei,shopee:meimei_tw,0922333444,mei@example.com,qdm shopee,shopee,+886922333444,shopee:meimei_tw,shopee:meimei_tw qdm:M0011
	3,Kai,,0955123456,,momo,momo,+886955123456,,
	4,Lin,qdm:M0020,,lin@example.com,qdm,qdm,,,qdm:M0020
	EOF
	seg --columns plain,first_channel,phone_intl,chat_account,accounts \
	    purchased </dev/null >actual &&
	test_cmp expect actual
'

test_expect_success 'channels lists what channel = matches' '
	seg "channel = '\''qdm'\''" </dev/null | sed 1d >expect &&
	seg --columns channels purchased </dev/null |
	    awk -F, "\$2 ~ /qdm/ { print \$1 }" >actual &&
	test_cmp expect actual &&
	printf "2\n4\n" >expect && test_cmp expect actual
'

test_expect_success 'the presets mail and sms' '
	printf "customer_id,email,name,tags\n2,mei@example.com,Mei,\n" >expect &&
	seg --columns mail "customer_id = 2" </dev/null >actual &&
	test_cmp expect actual &&
	printf "customer_id,phone_intl,name\n3,+886955123456,Kai\n" >expect &&
	seg --columns sms "customer_id = 3" </dev/null >actual &&
	test_cmp expect actual
'

test_expect_success 'the old column channel is named, with what to use' '
	{ seg --columns channel purchased </dev/null >out 2>err; test $? = 2; } &&
	test_grep "first_channel" err && test_grep "channels" err
'

test_expect_success 'crm-rfm --columns after the scores, default unchanged' '
	crm-rfm --db i.db --as-of 2024-12-31 </dev/null >plain.csv &&
	crm-rfm --db i.db --as-of 2024-12-31 --columns name,account \
	    </dev/null >cols.csv &&
	test "$(head -1 cols.csv)" = "$(head -1 plain.csv),name,account" &&
	test "$(sed -n 2p cols.csv)" = "$(sed -n 2p plain.csv),Wen,shopee:wen_0529" &&
	test "$(wc -l <cols.csv)" = 5 &&
	{ crm-rfm --db i.db --summary --columns name </dev/null 2>err; test $? = 2; }
'

test_expect_success 'crm-rfm: the rfm columns agree with the scores, with --bins and --within' '
	crm-rfm --db i.db --as-of 2024-12-31 --bins 3 --columns r,f,m,rfm \
	    </dev/null | awk -F, "NR > 1 && \$5\$6\$7\$8 != \$10\$11\$12\$13" >bad &&
	test ! -s bad &&
	printf "customer_id\n1\n2\n" |
	    crm-rfm --db i.db --as-of 2024-12-31 --within --columns rfm >w.csv &&
	awk -F, "NR > 1 && \$8 != \$10" w.csv >bad && test ! -s bad &&
	test $(wc -l <w.csv) = 3
'

# Each identity as a shop writes it, normalised as crm-import does.
test_expect_success 'a list by account, phone and e-mail' '
	cat >list.csv <<-\EOF &&
	account,phone,email,note
	,+886 922-333-444,,Mei by her phone
	wen_0529,,,Wen on any channel
	qdm:M0011,,,Mei again by her qdm member number
	,,LIN@Example.com,Lin
	,0912000666,,nobody
	,,zed@example.com,nobody either
	EOF
	seg --columns name purchased <list.csv >actual 2>err &&
	printf "customer_id,name\n1,Wen\n2,Mei\n4,Lin\n" >expect &&
	test_cmp expect actual &&
	test_grep "stdin:6: 2 customers of the list not in the store" err &&
	test_grep "phone 0912\*\*\*666" err &&
	! grep -q "0912000666\|zed@" err
'

test_expect_success 'a list by customer_id still works, and unknown ids are counted' '
	printf "customer_id\n3\n99\n" |
	    crm-rfm --db i.db --as-of 2024-12-31 >actual 2>err &&
	test "$(sed 1d actual | cut -d, -f1)" = 3 &&
	test_grep "stdin:3: 1 customer of the list not in the store" err
'

test_expect_success 'a list with none of the columns' '
	{ printf "who\nx\n" | seg purchased >out 2>err; test $? = 1; } &&
	test_grep "customer_id.*account.*phone.*email" err
'

cat >back.playbook <<'EOF'
playbook t
cap 1
seed 1
step back
    audience  purchased
    trigger   30 days after purchase
    template  back
    priority  1
    holdout   0%
EOF
sed "s/^    holdout   0%/&\n    via       email/" back.playbook >email.playbook

# Only Wen bought 30 days before 12-31 (on 12-01); she has no e-mail and
# her phone is masked: the shop reaches her in Shopee's chat.
test_expect_success 'run: a Shopee buyer with a masked phone is reached by chat' '
	crm-playbook run -n --db i.db --date 2024-12-31 --columns chat_account \
	    back.playbook </dev/null >run.csv 2>err &&
	test "$(sed 1d run.csv | cut -d, -f1,5,12,13)" = "1,chat,treatment,shopee:wen_0529" &&
	test_grep "1 due, 1 contacted, 0 held out, 0 capped, 0 unreachable; contacted by e-mail 0, by SMS 0, by chat 1" err &&
	! grep -q "chat_account gives" err
'

test_expect_success 'run: without chat_account, a word on how to get it' '
	crm-playbook run -n --db i.db --date 2024-12-31 back.playbook \
	    </dev/null >run.csv 2>err &&
	test "$(head -1 run.csv)" = "customer_id,name,email,phone,channel,step,template,coupon,threshold,discount,expires,group" &&
	test_grep "1 contact by chat: --columns chat_account" err
'

test_expect_success 'run: via email leaves her unreachable, with the reason' '
	crm-playbook run -n --db i.db --date 2024-12-31 email.playbook \
	    </dev/null >run.csv 2>err &&
	test $(wc -l <run.csv) = 1 &&
	test_grep "1 due, 0 contacted, 0 held out, 0 capped, 1 unreachable" err &&
	test_grep "0 with no e-mail that may be written to, no unmasked phone and no platform account; 1 with none on the channel their step uses" err
'

test_done
